package io.hubbub.client;

import com.fasterxml.jackson.databind.JsonNode;

/** A decoded server frame: an answer to one of our requests, or a push. */
sealed interface InboundFrame {

    /** {@code {"type":"reply","id":…,"payload":…}}. */
    record Reply(long id, JsonNode payload) implements InboundFrame {
    }

    /**
     * {@code {"type":"error",…}}; {@code id} is null for errors not tied to a request (then it is
     * delivered to listeners of type {@code error} like a push).
     */
    record Failure(Long id, String code, String message, JsonNode payload) implements InboundFrame {
    }

    /** Any other type: an event pushed by the server. */
    record Push(String type, JsonNode payload) implements InboundFrame {
    }
}
