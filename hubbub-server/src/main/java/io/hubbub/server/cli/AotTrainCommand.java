package io.hubbub.server.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.util.concurrent.Callable;

/**
 * {@code hubbub aot-train} (hidden): the training run the launcher records the JDK's ahead-of-time
 * cache with ({@link AotTraining}). Not for users; it starts and stops its own server on a free
 * loopback port and ignores the configuration (file and environment).
 */
@Command(name = "aot-train", hidden = true, mixinStandardHelpOptions = true,
        description = "Training run for the JDK ahead-of-time cache (used by the launcher).")
final class AotTrainCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--native", defaultValue = "300", description = "Native connections (default ${DEFAULT-VALUE}).")
    int nativeConnections;

    @Option(names = "--socketio", defaultValue = "100", description = "Socket.IO connections (default ${DEFAULT-VALUE}).")
    int socketIoConnections;

    @Option(names = "--messages", defaultValue = "3", description = "Messages each connection sends (default ${DEFAULT-VALUE}).")
    int messages;

    @Override
    public Integer call() throws Exception {
        new AotTraining(nativeConnections, socketIoConnections, messages, spec.commandLine().getErr()).run();
        return HubbubCli.OK;
    }
}
