package io.hubbub.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The native protocol envelope {@code {"type","id","payload"}} (PROTOCOL.md, "Frames"). Stateless
 * and thread-safe.
 */
final class Frames {
    private final ObjectMapper mapper;

    Frames(ObjectMapper mapper) {
        this.mapper = mapper;
    }

    /** One frame's text; {@code id} null for a frame that wants no answer; a null payload is sent as {@code {}}. */
    String encode(String type, Long id, JsonNode payload) {
        if (type == null || type.isBlank()) {
            throw new IllegalArgumentException("frame type must not be blank");
        }
        if (payload != null && !payload.isObject()) {
            throw new IllegalArgumentException("payload must be a JSON object, got " + payload.getNodeType());
        }
        ObjectNode frame = mapper.createObjectNode();
        frame.put("type", type);
        if (id != null) {
            if (id < 0) {
                throw new IllegalArgumentException("id must be >= 0: " + id);
            }
            frame.put("id", id.longValue());
        }
        frame.set("payload", payload == null ? mapper.createObjectNode() : payload);
        try {
            return mapper.writeValueAsString(frame);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot encode frame " + type, e);
        }
    }

    /**
     * Decodes one complete text message.
     *
     * @throws IllegalArgumentException for text that is not a frame: bad JSON, not an object, a
     *         missing or non-text {@code type}, a non-integer {@code id}, a non-object {@code payload},
     *         or a {@code reply} without {@code id}
     */
    InboundFrame decode(String text) {
        JsonNode root;
        try {
            root = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("frame is not JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("frame is not a JSON object");
        }
        JsonNode typeNode = root.get("type");
        if (typeNode == null || !typeNode.isTextual() || typeNode.asText().isEmpty()) {
            throw new IllegalArgumentException("frame has no text type");
        }
        String type = typeNode.asText();
        Long id = null;
        JsonNode idNode = root.get("id");
        if (idNode != null && !idNode.isNull()) {
            if (!idNode.isIntegralNumber() || !idNode.canConvertToLong() || idNode.asLong() < 0) {
                throw new IllegalArgumentException("frame id is not an integer >= 0: " + idNode);
            }
            id = idNode.asLong();
        }
        JsonNode payload = root.get("payload");
        if (payload == null || payload.isNull()) {
            payload = mapper.createObjectNode();
        } else if (!payload.isObject()) {
            throw new IllegalArgumentException("frame payload is not an object");
        }
        return switch (type) {
            case "reply" -> {
                if (id == null) {
                    throw new IllegalArgumentException("reply without id");
                }
                yield new InboundFrame.Reply(id, payload);
            }
            case "error" -> new InboundFrame.Failure(id, payload.path("code").asText("internal"),
                    payload.path("message").asText(""), payload);
            default -> new InboundFrame.Push(type, payload);
        };
    }
}
