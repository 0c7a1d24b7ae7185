package io.hubbub.server.cli;

import io.hubbub.server.app.Commands;
import io.hubbub.server.config.HubbubConfig;
import io.hubbub.server.logging.LoggingSetup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.util.Map;
import java.util.concurrent.Callable;

/** {@code hubbub migrate}: applies database migrations to the configured database and exits. */
@Command(name = "migrate", mixinStandardHelpOptions = true, description = "Apply database migrations and exit.")
final class MigrateCommand implements Callable<Integer> {
    private final Map<String, String> env;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions options = new ConfigOptions();

    MigrateCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        HubbubConfig config = options.load(env, Map.of(), spec.commandLine().getErr()).config().resolved();
        LoggingSetup.configure(config.logging());
        Commands.migrate(config);
        spec.commandLine().getOut().println("hubbub: migrations applied to " + config.storage().maskedJdbcUrl());
        return HubbubCli.OK;
    }
}
