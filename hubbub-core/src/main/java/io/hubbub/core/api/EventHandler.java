package io.hubbub.core.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.concurrent.CompletionStage;

/**
 * Handles one client event type. Invoked on the session's executor (never concurrently for one
 * session). Must not block: blocking work goes to {@link HubbubApi#blocking()} and comes back as a
 * stage. The stage's value is the reply payload (null means {@code {}}); completing exceptionally
 * with a {@link io.hubbub.core.protocol.HubbubException} answers that error code, any other exception
 * answers {@code internal}. Exactly one answer is sent when the request carried an id.
 */
@FunctionalInterface
public interface EventHandler {
    CompletionStage<? extends JsonNode> handle(EventContext ctx);
}
