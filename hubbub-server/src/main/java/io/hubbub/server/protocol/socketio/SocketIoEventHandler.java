package io.hubbub.server.protocol.socketio;

import java.util.List;

/**
 * Receives one client event. {@code args} are Jackson {@code JsonNode}s, except top-level binary
 * values which are {@code byte[]} (nested binary stays a {@code BinaryNode}). {@code ack} is null
 * when the client asked for no acknowledgement. Called on the connection's event loop; must not block.
 */
@FunctionalInterface
public interface SocketIoEventHandler {
    void onEvent(List<Object> args, Ack ack);
}
