package io.hubbub.core.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.core.auth.Principal;
import io.hubbub.core.protocol.Envelope;
import io.hubbub.core.session.Session;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** What a handler gets: the sending session (its authenticated principal is the only identity), the frame. */
public record EventContext(Session session, Envelope envelope) {
    /**
     * Returned (by identity) by a handler that already sent its answer itself, e.g. to place the
     * reply between replayed history and live messages. The dispatcher then sends nothing.
     */
    public static final JsonNode REPLIED = new com.fasterxml.jackson.databind.node.TextNode("(replied)");

    public JsonNode payload() {
        return envelope.payload();
    }

    public String type() {
        return envelope.type();
    }

    public Principal principal() {
        return session.principal();
    }

    public static CompletionStage<JsonNode> reply(JsonNode result) {
        return CompletableFuture.completedFuture(result);
    }
}
