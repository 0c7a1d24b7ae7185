package io.hubbub.server.config;

import java.time.Duration;

/** Socket.IO v5 over Engine.IO v4 on the shared port (docs/PROTOCOL.md, section Socket.IO). */
public record SocketIoConfig(
        @Doc("Serve Socket.IO clients on the shared port.") boolean enabled,
        @Doc("HTTP path of the Engine.IO endpoint, with leading and trailing '/'.") String path,
        @Doc("Time between Engine.IO pings sent by the server.") Duration pingInterval,
        @Doc("Close a session whose client does not answer a ping within this time.") Duration pingTimeout,
        @Doc("Largest accepted Engine.IO message or polling request body; announced to clients in the handshake.") ByteSize maxPayload,
        @Doc("Close an Engine.IO connection that has joined no namespace within this time.") Duration connectTimeout,
        @Doc("Testing only: serve what the official Socket.IO and Engine.IO test suites expect (an echo endpoint at /engine.io/, "
                + "test events on the main namespace) instead of Hubbub's events. See --profile socketio-conformance.") boolean conformance) {

    public static SocketIoConfig defaults() {
        return new SocketIoConfig(true, "/socket.io/", Duration.ofSeconds(25), Duration.ofSeconds(20), ByteSize.ofMiB(1),
                Duration.ofSeconds(45), false);
    }

    /** The path as Engine.IO mounts it (always ending with '/'). */
    public String mountPath() {
        return path.endsWith("/") ? path : path + "/";
    }

    void validate(Checks c) {
        c.require(path.startsWith("/") && path.length() > 1, "socketio.path", "must start with '/' and name a path, got '" + path + "'");
        c.positive("socketio.pingInterval", pingInterval);
        c.positive("socketio.pingTimeout", pingTimeout);
        c.atLeast("socketio.maxPayload", maxPayload, ByteSize.ofKiB(1));
        c.require(maxPayload.bytes() <= 64L * 1024 * 1024, "socketio.maxPayload", "must be at most 64MiB, got " + maxPayload);
        c.positive("socketio.connectTimeout", connectTimeout);
    }
}
