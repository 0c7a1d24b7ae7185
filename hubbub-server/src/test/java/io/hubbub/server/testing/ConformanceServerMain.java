package io.hubbub.server.testing;

import io.hubbub.server.protocol.socketio.conformance.ConformanceApp;

/**
 * Runs the Socket.IO conformance profile on 127.0.0.1 (port from the first argument, default 3000)
 * until killed, for running the official test suites by hand against the bare Engine.IO/Socket.IO
 * layer. The full server does the same with {@code ./hubbub serve --profile socketio-conformance --port 3000}.
 */
public final class ConformanceServerMain {
    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 3000;
        ConformanceApp app = new ConformanceApp();
        try (NettyHttpTestServer server = new NettyHttpTestServer(app::handlers, port)) {
            System.out.println("conformance server on " + server.httpUrl());
            Thread.currentThread().join();
        }
    }
}
