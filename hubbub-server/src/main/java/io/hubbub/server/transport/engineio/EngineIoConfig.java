package io.hubbub.server.transport.engineio;

import java.util.List;
import java.util.Set;

/**
 * Engine.IO v4 server settings. Times are milliseconds.
 *
 * @param path              mount path, with leading and trailing slash ("/socket.io/")
 * @param pingInterval      the server sends a PING this long after the last PONG (or the handshake)
 * @param pingTimeout       the session closes when no PONG arrives this long after a PING
 * @param maxPayload        largest accepted POST body / WebSocket message in bytes; announced in the handshake
 * @param upgradeTimeout    an upgrade (probe received, no UPGRADE yet) is abandoned after this long
 * @param allowedOrigins    origins that get CORS headers; "*" allows any origin; empty sends no CORS headers
 * @param transports        enabled transports: "polling", "websocket"
 * @param maxSessions       bound on concurrent sessions of this server; handshakes beyond it get 503
 * @param maxQueuedPackets  bound on packets waiting for a poll or a writable socket; overflow closes the session
 */
public record EngineIoConfig(
        String path,
        long pingInterval,
        long pingTimeout,
        int maxPayload,
        long upgradeTimeout,
        List<String> allowedOrigins,
        Set<String> transports,
        int maxSessions,
        int maxQueuedPackets) {

    public static final String POLLING = "polling";
    public static final String WEBSOCKET = "websocket";

    public EngineIoConfig {
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/': " + path);
        }
        if (!path.endsWith("/")) {
            path = path + "/";
        }
        allowedOrigins = List.copyOf(allowedOrigins);
        transports = Set.copyOf(transports);
        if (pingInterval <= 0 || pingTimeout <= 0 || maxPayload <= 0 || upgradeTimeout <= 0
                || maxSessions <= 0 || maxQueuedPackets <= 0) {
            throw new IllegalArgumentException("timings and limits must be positive");
        }
    }

    /** The reference server's defaults, mounted at {@code /socket.io/}, no CORS. */
    public static EngineIoConfig defaults() {
        return new EngineIoConfig("/socket.io/", 25_000, 20_000, 1_000_000, 10_000,
                List.of(), Set.of(POLLING, WEBSOCKET), 100_000, 1_000);
    }

    public EngineIoConfig withPath(String newPath) {
        return new EngineIoConfig(newPath, pingInterval, pingTimeout, maxPayload, upgradeTimeout,
                allowedOrigins, transports, maxSessions, maxQueuedPackets);
    }

    public EngineIoConfig withHeartbeat(long newPingInterval, long newPingTimeout) {
        return new EngineIoConfig(path, newPingInterval, newPingTimeout, maxPayload, upgradeTimeout,
                allowedOrigins, transports, maxSessions, maxQueuedPackets);
    }

    public EngineIoConfig withMaxPayload(int newMaxPayload) {
        return new EngineIoConfig(path, pingInterval, pingTimeout, newMaxPayload, upgradeTimeout,
                allowedOrigins, transports, maxSessions, maxQueuedPackets);
    }

    public EngineIoConfig withAllowedOrigins(List<String> origins) {
        return new EngineIoConfig(path, pingInterval, pingTimeout, maxPayload, upgradeTimeout,
                origins, transports, maxSessions, maxQueuedPackets);
    }

    public EngineIoConfig withTransports(Set<String> newTransports) {
        return new EngineIoConfig(path, pingInterval, pingTimeout, maxPayload, upgradeTimeout,
                allowedOrigins, newTransports, maxSessions, maxQueuedPackets);
    }

    public EngineIoConfig withLimits(int newMaxSessions, int newMaxQueuedPackets) {
        return new EngineIoConfig(path, pingInterval, pingTimeout, maxPayload, upgradeTimeout,
                allowedOrigins, transports, newMaxSessions, newMaxQueuedPackets);
    }

    /** The origin to echo in Access-Control-Allow-Origin, or null when this origin gets no CORS headers. */
    public String corsOrigin(String requestOrigin) {
        if (allowedOrigins.contains("*")) {
            return requestOrigin == null ? "*" : requestOrigin;
        }
        return requestOrigin != null && allowedOrigins.contains(requestOrigin) ? requestOrigin : null;
    }
}
