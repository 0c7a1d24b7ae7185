package io.hubbub.core.api;

import io.hubbub.core.session.Session;

import java.util.concurrent.CompletionStage;

/**
 * Runs before a client subscribes to a topic (after the built-in rule that {@code private.*} topics
 * need an admin); fail the stage to refuse, e.g. for topics that need a permission from your backend.
 */
@FunctionalInterface
public interface TopicHook {
    CompletionStage<Void> beforeSubscribe(Session session, String topic);
}
