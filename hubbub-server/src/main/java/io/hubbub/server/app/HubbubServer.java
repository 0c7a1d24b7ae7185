package io.hubbub.server.app;

import io.hubbub.server.config.HubbubConfig;

/**
 * STUB for the CLI branch: the real server wiring replaces this class. The CLI calls
 * {@link #run} with a validated and {@link HubbubConfig#resolved() resolved} configuration,
 * after logging has been set up; {@code run} is expected to block until the server shuts down.
 */
public final class HubbubServer {
    private HubbubServer() {}

    public static void run(HubbubConfig config) {
        System.out.println("hubbub: would start with " + config.summary());
    }
}
