package io.hubbub.core.api;

import io.hubbub.core.room.Room;
import io.hubbub.core.session.Session;

import java.util.concurrent.CompletionStage;

/** Runs before a join is applied (after built-in permission checks); fail the stage to refuse it. */
@FunctionalInterface
public interface JoinHook {
    CompletionStage<Void> beforeJoin(Session session, Room room);
}
