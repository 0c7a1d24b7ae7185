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

    public SocketIoServer(EngineIoServer engine, SocketIoConfig config) {
        this.engine = engine;
        this.config = config;
        namespaces.put("/", new Namespace("/"));
        engine.onConnection(eio -> new SocketIoConnection(this, eio));
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
