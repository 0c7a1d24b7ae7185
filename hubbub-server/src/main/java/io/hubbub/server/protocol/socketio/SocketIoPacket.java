package io.hubbub.server.protocol.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * The Socket.IO v5 packets. {@code namespace} always starts with '/' ("/" is the main namespace).
 * Event and ack {@code data} is the JSON array of the packet: for events its first element is the
 * event name. Binary values are {@link com.fasterxml.jackson.databind.node.BinaryNode}s anywhere in
 * the tree; on the wire they become attachments with {@code {"_placeholder":true,"num":n}}.
 */
public sealed interface SocketIoPacket {
    String namespace();

    /** Client: join a namespace with an optional auth object. Server: the reply with {@code {"sid","pid"}}. */
    record Connect(String namespace, JsonNode data) implements SocketIoPacket {}

    record Disconnect(String namespace) implements SocketIoPacket {}

    /** {@code ackId} is null when no acknowledgement is requested. Contains no binary. */
    record Event(String namespace, Long ackId, ArrayNode data) implements SocketIoPacket {}

    record Ack(String namespace, long ackId, ArrayNode data) implements SocketIoPacket {}

    record ConnectError(String namespace, JsonNode data) implements SocketIoPacket {}

    /**
     * An event with binary values. As decoded from text, {@code data} still holds placeholders and
     * {@code attachments} binary frames must follow; after {@link SocketIoCodec#reconstruct} the
     * placeholders are replaced by binary nodes.
     */
    record BinaryEvent(String namespace, Long ackId, ArrayNode data, int attachments) implements SocketIoPacket {}

    record BinaryAck(String namespace, long ackId, ArrayNode data, int attachments) implements SocketIoPacket {}
}
