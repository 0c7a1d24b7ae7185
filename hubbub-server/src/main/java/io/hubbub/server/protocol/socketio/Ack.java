package io.hubbub.server.protocol.socketio;

/**
 * Answers a client's event acknowledgement. Arguments convert as in {@link SocketIoSocket#emit}.
 * Only the first call is sent; any thread.
 */
@FunctionalInterface
public interface Ack {
    void send(Object... args);
}
