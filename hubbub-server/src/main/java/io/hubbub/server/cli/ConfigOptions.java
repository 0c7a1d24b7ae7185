package io.hubbub.server.cli;

import io.hubbub.server.config.BuiltInProfiles;
import io.hubbub.server.config.ConfigLoader;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** Options shared by every command that builds a configuration (serve, token, migrate). */
final class ConfigOptions {
    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "Configuration file (.yaml, .yml or .json). Default: $HUBBUB_CONFIG if set.")
    Path config;

    @Option(names = "--profile", paramLabel = "NAME",
            description = "Also load hubbub-NAME.yaml (or .yml/.json) from the config file's directory, over the main file; "
                    + "built in (no file needed): socketio-conformance. Default: $HUBBUB_PROFILE.")
    String profile;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "Data directory (storage.dataDir).")
    String dataDir;

    @ArgGroup(exclusive = true)
    ModeFlags mode;

    @Option(names = "--set", paramLabel = "KEY=VALUE",
            description = "Override any key, e.g. --set server.port=9000 --set limits.perIp=50. Repeatable; wins over file and environment.")
    Map<String, String> set = new LinkedHashMap<>();

    static final class ModeFlags {
        @Option(names = "--dev", description = "Dev mode: friendly defaults (server.mode=dev).")
        boolean dev;

        @Option(names = "--production", description = "Production mode: refuse insecure settings (server.mode=production).")
        boolean production;
    }

    /**
     * Loads file(s), environment and command line; prints warnings to {@code err}.
     *
     * @param flags further command-line overrides (dotted keys) that win over --set
     * @throws io.hubbub.server.config.ConfigException for any configuration problem
     */
    ConfigLoader.Loaded load(Map<String, String> env, Map<String, String> flags, PrintWriter err) {
        ConfigLoader loader = new ConfigLoader().env(env);
        Path file = config != null ? config : blankToNull(env.get("HUBBUB_CONFIG"));
        if (file != null) loader.file(file);
        String prof = profile != null ? profile : env.get("HUBBUB_PROFILE");
        if (prof != null && !prof.isBlank()) {
            var builtIn = BuiltInProfiles.find(prof);
            if (builtIn.isPresent() && !ConfigLoader.hasProfileFile(file, prof)) loader.overrides(builtIn.get());
            else loader.file(ConfigLoader.profileFile(file, prof));
        }
        loader.overrides(set);
        if (dataDir != null) loader.set("storage.dataDir", dataDir);
        if (mode != null) loader.set("server.mode", mode.production ? "production" : "dev");
        loader.overrides(flags);
        ConfigLoader.Loaded loaded = loader.load();
        for (String w : loaded.warnings()) err.println("hubbub: warning: " + w);
        return loaded;
    }

    private static Path blankToNull(String s) {
        return s == null || s.isBlank() ? null : Path.of(s);
    }
}
