package io.hubbub.server.protocol.socketio;

import io.hubbub.server.transport.engineio.EngineIoServer;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Socket.IO v5 on top of one {@link EngineIoServer}: every Engine.IO connection becomes a
 * Socket.IO connection that can join the registered namespaces. The main namespace "/" always
 * exists. Thread-safe.
 */
public final class SocketIoServer {
    private final EngineIoServer engine;
    private final SocketIoConfig config;
    private final ConcurrentHashMap<String, Namespace> namespaces = new ConcurrentHashMap<>();
    /** Attachment bytes all connections hold for incomplete binary packets (bounded by maxPendingAttachmentBytes). */
    private final java.util.concurrent.atomic.AtomicLong pendingAttachmentBytes = new java.util.concurrent.atomic.AtomicLong();

    public SocketIoServer(EngineIoServer engine, SocketIoConfig config) {
        this.engine = engine;
        this.config = config;
        namespaces.put("/", new Namespace("/"));
        engine.onConnection(eio -> new SocketIoConnection(this, eio));
    }

    /** Takes {@code bytes} of the global attachment budget; false (nothing taken) when it would exceed it. */
    boolean reserveAttachmentBytes(long bytes) {
        long max = config.maxPendingAttachmentBytes();
        while (true) {
            long now = pendingAttachmentBytes.get();
            if (now + bytes > max) return false;
            if (pendingAttachmentBytes.compareAndSet(now, now + bytes)) return true;
        }
    }

    void releaseAttachmentBytes(long bytes) {
        if (bytes > 0) pendingAttachmentBytes.addAndGet(-bytes);
    }

    /** Attachment bytes currently held for incomplete binary packets, all connections together. */
    public long pendingAttachmentBytes() {
        return pendingAttachmentBytes.get();
    }

    public EngineIoServer engine() {
        return engine;
    }

    public SocketIoConfig config() {
        return config;
    }

    public Namespace mainNamespace() {
        return namespaces.get("/");
    }

    /** Returns the namespace with this name, registering it on first use. Names start with '/'. */
    public Namespace namespace(String name) {
        String normalized = name.startsWith("/") ? name : "/" + name;
        return namespaces.computeIfAbsent(normalized, Namespace::new);
    }

    /** The registered namespace, or null (a CONNECT to it is refused with "Invalid namespace"). */
    Namespace lookup(String name) {
        return namespaces.get(name);
    }
}
