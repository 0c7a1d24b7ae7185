package io.hubbub.core.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One inbound client frame, already decoded by a protocol codec: the event type, the optional
 * request id (a request with an id gets exactly one answer carrying that id) and the payload
 * (an object node, never null; empty when the frame had none).
 */
public record Envelope(String type, Long id, JsonNode payload) {
    public boolean expectsReply() {
        return id != null;
    }
}
