package io.hubbub.server.cli;

import io.hubbub.server.app.HubbubServer;
import io.hubbub.server.config.HubbubConfig;
import io.hubbub.server.logging.LoggingSetup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/** {@code hubbub serve}: builds the configuration, sets up logging and runs the server. */
@Command(name = "serve", mixinStandardHelpOptions = true, description = "Start the server (defaults: port 8080, SQLite under ./data, in-memory engine).")
final class ServeCommand implements Callable<Integer> {
    private final Map<String, String> env;

    @Spec
    CommandSpec spec;

    @Mixin
    ConfigOptions options = new ConfigOptions();

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", description = "Port to listen on (server.port).")
    Integer port;

    @Option(names = "--host", paramLabel = "HOST", description = "Interface to listen on (server.host).")
    String host;

    ServeCommand(Map<String, String> env) {
        this.env = env;
    }

    @Override
    public Integer call() {
        Map<String, String> flags = new LinkedHashMap<>();
        if (port != null) flags.put("server.port", port.toString());
        if (host != null) flags.put("server.host", host);
        HubbubConfig config = options.load(env, flags, spec.commandLine().getErr()).config().resolved();
        LoggingSetup.configure(config.logging());
        HubbubServer.run(config);
        return HubbubCli.OK;
    }
}
