package io.hubbub.core.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.core.room.Room;
import io.hubbub.core.session.Session;

import java.util.concurrent.CompletionStage;

/**
 * Runs before a client's room message is published (after permission checks). Completes with the
 * data to publish (possibly transformed, e.g. moderated), or fails to refuse the message.
 */
@FunctionalInterface
public interface PublishHook {
    CompletionStage<JsonNode> beforePublish(Session session, Room room, JsonNode data);
}
