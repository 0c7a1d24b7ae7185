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
    private volatile PollingForwarder forwarder;
    private volatile String sidPrefix = "";
    private volatile Admission admission = (channel, request) -> () -> {};

    /**
     * Admission of a new session (polling or WebSocket handshake), before it is created: the
     * application's connection limits. A session counts from its handshake until it ends.
     */
    @FunctionalInterface
    public interface Admission {
        /**
         * Admits a session or throws {@link Refused}; the returned action runs exactly once when the
         * session ends (or is never created). Runs on the handshake's event loop; must not block.
         */
        Runnable admit(io.netty.channel.Channel channel, io.netty.handler.codec.http.HttpRequest request);
    }

    /** A refused handshake: answered with {@code status} and the JSON {@code body}. */
    public static final class Refused extends RuntimeException {
        private final int status;
        private final String body;

        public Refused(int status, String body) {
            super(body, null, false, false);
            this.status = status;
            this.body = body;
        }

        public int status() {
            return status;
        }

        public String body() {
            return body;
        }
    }

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

    /** Sets the admission of new sessions (default: admit all). Call before serving requests. */
    public void admission(Admission admission) {
        this.admission = admission;
    }

    Admission admission() {
        return admission;
    }

    /**
     * Turns on cluster routing: sids minted from now on are {@code <owners.localTag()>.<random>}, and a
     * polling request for a sid of another node is forwarded to that node (see {@link PollingForwarder}).
     * Call before serving requests; null leaves routing off (single node).
     */
    public void forwarding(PollingForwarder forwarder) {
        this.forwarder = forwarder;
        this.sidPrefix = forwarder == null ? "" : forwarder.owners().localTag() + PollingForwarder.TAG_SEPARATOR;
    }

    /** The cluster forwarder, or null on a single node. */
    public PollingForwarder forwarder() {
        return forwarder;
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

    /** A fresh sid: 120 random bits, URL-safe, after this node's tag when cluster routing is on. */
    String newSid() {
        byte[] bytes = new byte[15];
        RANDOM.nextBytes(bytes);
        return sidPrefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
