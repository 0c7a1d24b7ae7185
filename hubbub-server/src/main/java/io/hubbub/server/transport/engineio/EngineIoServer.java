package io.hubbub.server.transport.engineio;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One Engine.IO endpoint: its configuration, the registry of live sessions (bounded by
 * {@link EngineIoConfig#maxSessions()}) and the application's connection listener.
 * Thread-safe; the registry is read from every event loop.
 */
public final class EngineIoServer {
    private static final SecureRandom RANDOM = new SecureRandom();

    private final EngineIoConfig config;
    private final ConcurrentHashMap<String, EngineIoSocket> sessions = new ConcurrentHashMap<>();
    private final AtomicInteger reserved = new AtomicInteger();
    private volatile Consumer<EngineIoSocket> connectionListener = socket -> {};

    public EngineIoServer(EngineIoConfig config) {
        this.config = config;
    }

    public EngineIoConfig config() {
        return config;
    }

    /**
     * Called on the new socket's event loop right after the handshake packet is queued, before any
     * client packet is processed. The listener must set {@link EngineIoSocket#listener} there.
     */
    public void onConnection(Consumer<EngineIoSocket> listener) {
        this.connectionListener = listener;
    }

    public EngineIoSocket session(String sid) {
        return sid == null ? null : sessions.get(sid);
    }

    public int sessionCount() {
        return sessions.size();
    }

    /** Closes every session (server shutdown). */
    public void closeAll() {
        for (EngineIoSocket socket : List.copyOf(sessions.values())) {
            socket.close();
        }
    }

    /** Reserves a registry slot; false when the server is full. */
    boolean reserve() {
        if (reserved.incrementAndGet() > config.maxSessions()) {
            reserved.decrementAndGet();
            return false;
        }
        return true;
    }

    void unregisterReservation() {
        reserved.decrementAndGet();
    }

    void register(EngineIoSocket socket) {
        sessions.put(socket.id(), socket);
    }

    void unregister(EngineIoSocket socket) {
        if (sessions.remove(socket.id(), socket)) {
            reserved.decrementAndGet();
        }
    }

    void fireConnection(EngineIoSocket socket) {
        connectionListener.accept(socket);
    }

    static String newSid() {
        byte[] bytes = new byte[15];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
