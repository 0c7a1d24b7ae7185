package io.hubbub.server.cli;

import io.hubbub.server.config.ConfigException;
import io.hubbub.server.config.ConfigLoader;
import io.hubbub.server.config.DefaultsWriter;
import io.hubbub.server.config.HubbubConfig;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code hubbub config}: print the documented defaults, or check a configuration file. */
@Command(name = "config", mixinStandardHelpOptions = true, description = "Show the default configuration or check a file.",
        synopsisSubcommandLabel = "(defaults | check)")
final class ConfigCommands implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "defaults", mixinStandardHelpOptions = true,
            description = "Print every configuration key with its default and documentation, as YAML.")
    static final class Defaults implements Callable<Integer> {
        @Spec
        CommandSpec spec;

        @Override
        public Integer call() {
            spec.commandLine().getOut().print(DefaultsWriter.yaml(HubbubConfig.defaults()));
            return HubbubCli.OK;
        }
    }

    @Command(name = "check", mixinStandardHelpOptions = true,
            description = "Validate a configuration file. Prints OK or every problem; exit code 0 if valid, 1 if not.")
    static final class Check implements Callable<Integer> {
        private final Map<String, String> env;

        @Spec
        CommandSpec spec;

        @Parameters(index = "0", paramLabel = "FILE", description = "The file to check (.yaml, .yml or .json).")
        Path file;

        @Option(names = "--env", description = "Also apply HUBBUB_* environment variables, as serve would.")
        boolean withEnv;

        @ArgGroup(exclusive = true)
        ConfigOptions.ModeFlags mode;

        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Override a key, as with serve.")
        Map<String, String> set = new LinkedHashMap<>();

        Check(Map<String, String> env) {
            this.env = env;
        }

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            ConfigLoader loader = new ConfigLoader().file(file).overrides(set);
            if (withEnv) loader.env(env);
            if (mode != null) loader.set("server.mode", mode.production ? "production" : "dev");
            try {
                ConfigLoader.Loaded loaded = loader.load();
                loaded.warnings().forEach(w -> out.println("warning: " + w));
                out.println("OK: " + file + " is valid (mode " + loaded.config().server().mode() + ")");
                return HubbubCli.OK;
            } catch (ConfigException e) {
                out.println(file + ": " + e.problems().size() + (e.problems().size() == 1 ? " problem" : " problems"));
                e.problems().forEach(p -> out.println("  - " + p));
                return HubbubCli.RUNTIME_ERROR;
            }
        }
    }
}
