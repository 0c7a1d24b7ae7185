package io.hubbub.core.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Every frame the server sends, whatever the protocol. Codecs turn these into bytes with an
 * exhaustive switch. A {@link Push} that goes to many receivers carries one {@link EncodeCache},
 * so each protocol encodes it once per broadcast and shares the bytes across receivers.
 */
public sealed interface Outbound {

    /** Successful answer to the request with this id. */
    record Reply(long id, JsonNode result) implements Outbound {}

    /** Error answer; {@code id} is null for an error not tied to a request (e.g. an undecodable frame). */
    record Failure(Long id, ErrorCode code, String message, JsonNode details) implements Outbound {
        public static Failure of(Long id, HubbubException e) {
            return new Failure(id, e.code(), e.getMessage(), e.details());
        }
    }

    /**
     * A server event. {@code droppable} marks ephemeral signals (typing, cursors) that a slow
     * consumer's queue may drop first; everything else is either delivered in order or the
     * connection is closed (never a silent gap).
     */
    record Push(String type, JsonNode payload, boolean droppable, EncodeCache cache) implements Outbound {
        public Push(String type, JsonNode payload) {
            this(type, payload, false, new EncodeCache());
        }

        public Push(String type, JsonNode payload, boolean droppable) {
            this(type, payload, droppable, new EncodeCache());
        }
    }
}
