package io.hubbub.server.protocol.socketio;

import java.util.Collection;
import java.util.Collections;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A Socket.IO namespace: its connect handler and its connected sockets. Thread-safe. Without a
 * handler every connect is accepted.
 */
public final class Namespace {
    private final String name;
    private final ConcurrentHashMap<String, SocketIoSocket> sockets = new ConcurrentHashMap<>();
    private volatile SocketIoConnectHandler connectHandler = socket -> ConnectDecision.accept();

    Namespace(String name) {
        this.name = name;
    }

    public String name() {
        return name;
    }

    public Namespace onConnect(SocketIoConnectHandler handler) {
        this.connectHandler = handler;
        return this;
    }

    /** Connected sockets (a live view). */
    public Collection<SocketIoSocket> sockets() {
        return Collections.unmodifiableCollection(sockets.values());
    }

    public SocketIoSocket socket(String id) {
        return sockets.get(id);
    }

    /** Sends one pre-encoded packet to every connected socket of this namespace. */
    public void broadcast(EncodedPacket packet) {
        for (SocketIoSocket socket : sockets.values()) {
            socket.emit(packet);
        }
    }

    SocketIoConnectHandler connectHandler() {
        return connectHandler;
    }

    void add(SocketIoSocket socket) {
        sockets.put(socket.id(), socket);
    }

    void remove(SocketIoSocket socket) {
        sockets.remove(socket.id(), socket);
    }
}
