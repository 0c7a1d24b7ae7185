package io.hubbub.server.protocol.socketio;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Socket.IO v5 text encoding: {@code <type>[<attachments>-][<namespace>,][<ackId>][<json>]}.
 * Decoding is strict (as the reference parser): an unknown type, a bad attachment count, a
 * non-numeric ack id, invalid JSON or a payload of the wrong shape is a {@link DecodeException}, on
 * which the server closes the Engine.IO connection. Pure and thread-safe.
 */
public final class SocketIoCodec {
    static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    private static final Set<String> RESERVED_EVENTS = Set.of(
            "connect", "connect_error", "disconnect", "disconnecting", "newListener", "removeListener");
    private static final int MAX_ACK_ID_DIGITS = 15;

    /** The text packet and the binary attachments that follow it, in order. */
    public record Encoded(String text, List<byte[]> attachments) {}

    public static final class DecodeException extends Exception {
        public DecodeException(String message) {
            super(message, null, false, false);
        }
    }

    private SocketIoCodec() {}

    // ---- decode ---------------------------------------------------------------------------------

    public static SocketIoPacket decode(String text) throws DecodeException {
        if (text.isEmpty()) {
            throw new DecodeException("empty packet");
        }
        int type = text.charAt(0) - '0';
        if (type < 0 || type > 6) {
            throw new DecodeException("unknown packet type");
        }
        int i = 1;
        int attachments = 0;
        if (type == 5 || type == 6) {
            int dash = text.indexOf('-', i);
            if (dash < 0 || dash == i || !digits(text, i, dash) || dash - i > 6) {
                throw new DecodeException("illegal attachments");
            }
            attachments = Integer.parseInt(text, i, dash, 10);
            i = dash + 1;
        }
        String namespace = "/";
        if (i < text.length() && text.charAt(i) == '/') {
            int comma = text.indexOf(',', i);
            int end = comma < 0 ? text.length() : comma;
            namespace = text.substring(i, end);
            i = comma < 0 ? end : end + 1;
        }
        Long ackId = null;
        int idStart = i;
        while (i < text.length() && text.charAt(i) >= '0' && text.charAt(i) <= '9') {
            i++;
        }
        if (i > idStart) {
            if (i - idStart > MAX_ACK_ID_DIGITS) {
                throw new DecodeException("invalid ack id");
            }
            ackId = Long.parseLong(text, idStart, i, 10);
        }
        JsonNode payload = null;
        if (i < text.length()) {
            try {
                payload = JSON.readTree(text.substring(i));
            } catch (JsonProcessingException e) {
                throw new DecodeException("invalid payload");
            }
        }
        return switch (type) {
            case 0 -> {
                requireNoAck(ackId);
                if (payload != null && !payload.isObject()) {
                    throw new DecodeException("invalid payload");
                }
                yield new SocketIoPacket.Connect(namespace, payload);
            }
            case 1 -> {
                requireNoAck(ackId);
                if (payload != null) {
                    throw new DecodeException("invalid payload");
                }
                yield new SocketIoPacket.Disconnect(namespace);
            }
            case 2 -> new SocketIoPacket.Event(namespace, ackId, eventArray(payload));
            case 3 -> new SocketIoPacket.Ack(namespace, requireAck(ackId), ackArray(payload));
            case 4 -> {
                requireNoAck(ackId);
                if (payload == null || !(payload.isObject() || payload.isTextual())) {
                    throw new DecodeException("invalid payload");
                }
                yield new SocketIoPacket.ConnectError(namespace, payload);
            }
            case 5 -> new SocketIoPacket.BinaryEvent(namespace, ackId, eventArray(payload), attachments);
            default -> new SocketIoPacket.BinaryAck(namespace, requireAck(ackId), ackArray(payload), attachments);
        };
    }

    /** Replaces the placeholders of a binary packet with its attachments. */
    public static SocketIoPacket reconstruct(SocketIoPacket packet, List<byte[]> buffers) throws DecodeException {
        return switch (packet) {
            case SocketIoPacket.BinaryEvent e -> new SocketIoPacket.BinaryEvent(e.namespace(), e.ackId(),
                    (ArrayNode) fill(e.data(), buffers), e.attachments());
            case SocketIoPacket.BinaryAck a -> new SocketIoPacket.BinaryAck(a.namespace(), a.ackId(),
                    (ArrayNode) fill(a.data(), buffers), a.attachments());
            default -> packet;
        };
    }

    private static JsonNode fill(JsonNode node, List<byte[]> buffers) throws DecodeException {
        if (node.isObject()) {
            if (node.path("_placeholder").isBoolean() && node.path("_placeholder").booleanValue()
                    && node.size() == 2 && node.path("num").canConvertToInt()) {
                int num = node.get("num").asInt();
                if (num < 0 || num >= buffers.size() || !node.get("num").isIntegralNumber()) {
                    throw new DecodeException("illegal attachment index");
                }
                return BinaryNode.valueOf(buffers.get(num));
            }
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                copy.set(field.getKey(), fill(field.getValue(), buffers));
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode(node.size());
            for (JsonNode element : node) {
                copy.add(fill(element, buffers));
            }
            return copy;
        }
        return node;
    }

    private static ArrayNode eventArray(JsonNode payload) throws DecodeException {
        if (payload instanceof ArrayNode array && !array.isEmpty()
                && (array.get(0).isNumber() || (array.get(0).isTextual() && !RESERVED_EVENTS.contains(array.get(0).asText())))) {
            return array;
        }
        throw new DecodeException("invalid payload");
    }

    private static ArrayNode ackArray(JsonNode payload) throws DecodeException {
        if (payload instanceof ArrayNode array) {
            return array;
        }
        throw new DecodeException("invalid payload");
    }

    private static void requireNoAck(Long ackId) throws DecodeException {
        if (ackId != null) {
            throw new DecodeException("unexpected ack id");
        }
    }

    private static long requireAck(Long ackId) throws DecodeException {
        if (ackId == null) {
            throw new DecodeException("missing ack id");
        }
        return ackId;
    }

    private static boolean digits(String s, int from, int to) {
        for (int k = from; k < to; k++) {
            if (s.charAt(k) < '0' || s.charAt(k) > '9') {
                return false;
            }
        }
        return true;
    }

    // ---- encode ---------------------------------------------------------------------------------

    /** Encodes a packet; an Event or Ack holding binary values is sent as BINARY_EVENT / BINARY_ACK. */
    public static Encoded encode(SocketIoPacket packet) {
        List<byte[]> attachments = new ArrayList<>();
        return switch (packet) {
            case SocketIoPacket.Connect c -> text(0, 0, c.namespace(), null, c.data());
            case SocketIoPacket.Disconnect d -> text(1, 0, d.namespace(), null, null);
            case SocketIoPacket.ConnectError e -> text(4, 0, e.namespace(), null, e.data());
            case SocketIoPacket.Event e -> withBinary(2, e.namespace(), e.ackId(), e.data(), attachments);
            case SocketIoPacket.BinaryEvent e -> withBinary(2, e.namespace(), e.ackId(), e.data(), attachments);
            case SocketIoPacket.Ack a -> withBinary(3, a.namespace(), a.ackId(), a.data(), attachments);
            case SocketIoPacket.BinaryAck a -> withBinary(3, a.namespace(), a.ackId(), a.data(), attachments);
        };
    }

    private static Encoded withBinary(int plainType, String namespace, Long ackId, ArrayNode data, List<byte[]> attachments) {
        JsonNode stripped = strip(data, attachments);
        if (attachments.isEmpty()) {
            return text(plainType, 0, namespace, ackId, data);
        }
        Encoded encoded = text(plainType + 3, attachments.size(), namespace, ackId, stripped);
        return new Encoded(encoded.text(), List.copyOf(attachments));
    }

    private static Encoded text(int type, int attachments, String namespace, Long ackId, JsonNode payload) {
        StringBuilder sb = new StringBuilder().append((char) ('0' + type));
        if (type == 5 || type == 6) {
            sb.append(attachments).append('-');
        }
        if (!"/".equals(namespace)) {
            sb.append(namespace).append(',');
        }
        if (ackId != null) {
            sb.append(ackId);
        }
        if (payload != null) {
            try {
                sb.append(JSON.writeValueAsString(payload));
            } catch (JsonProcessingException e) {
                throw new IllegalArgumentException("unserializable payload", e);
            }
        }
        return new Encoded(sb.toString(), List.of());
    }

    /** Copies the tree with binary nodes replaced by placeholders, collecting the bytes in order. */
    private static JsonNode strip(JsonNode node, List<byte[]> attachments) {
        if (node.isBinary()) {
            ObjectNode placeholder = JsonNodeFactory.instance.objectNode();
            placeholder.put("_placeholder", true);
            placeholder.put("num", attachments.size());
            attachments.add(((BinaryNode) node).binaryValue());
            return placeholder;
        }
        if (node.isObject()) {
            ObjectNode copy = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                copy.set(field.getKey(), strip(field.getValue(), attachments));
            }
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = JsonNodeFactory.instance.arrayNode(node.size());
            for (JsonNode element : node) {
                copy.add(strip(element, attachments));
            }
            return copy;
        }
        return node;
    }
}
