package io.hubbub.server.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Profiles shipped inside Hubbub: named sets of overrides that need no file. A file
 * {@code hubbub-<name>.yaml} beside the configuration still wins over a built-in profile of the same
 * name, so operators can adapt one without rebuilding.
 */
public final class BuiltInProfiles {
    private BuiltInProfiles() {}

    /**
     * {@code socketio-conformance}: what the official Engine.IO v4 and Socket.IO v5 server test suites
     * expect (their {@code test-suite} folders): ping interval 300 ms, ping timeout 200 ms, max payload
     * 1000000 bytes, connect timeout 1000 ms, CORS for any origin, an echo endpoint at /engine.io/ and
     * the test namespaces on /socket.io/ (see ConformanceApp), one I/O thread. Testing only.
     */
    public static final String SOCKETIO_CONFORMANCE = "socketio-conformance";

    public static Optional<Map<String, String>> find(String name) {
        if (!SOCKETIO_CONFORMANCE.equals(name)) return Optional.empty();
        Map<String, String> o = new LinkedHashMap<>();
        o.put("socketio.enabled", "true");
        o.put("socketio.conformance", "true");
        o.put("socketio.path", "/socket.io/");
        o.put("socketio.pingInterval", "300ms");
        o.put("socketio.pingTimeout", "200ms");
        o.put("socketio.maxPayload", "1000000");
        o.put("socketio.connectTimeout", "1000ms");
        o.put("server.allowedOrigins", "*");
        // One event loop, like the single-threaded reference server: the suites send on several
        // connections at once and expect arrival order across them (a poll sent after the upgrade
        // frames on the WebSocket must see the upgrade); with several loops the hops of different
        // connections onto the session's loop can overtake each other.
        o.put("server.ioThreads", "1");
        return Optional.of(o);
    }
}
