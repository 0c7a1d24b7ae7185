package io.hubbub.core.engine;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** Resumable session state, kept for a window after disconnection so any node can resume it. */
public interface SessionStore extends AutoCloseable {

    CompletableFuture<Void> save(SessionSnapshot snapshot, Duration ttl);

    CompletableFuture<Optional<SessionSnapshot>> load(String sessionId);

    /** Removes and returns the snapshot atomically, so a session is resumed at most once. */
    CompletableFuture<Optional<SessionSnapshot>> take(String sessionId);

    CompletableFuture<Void> delete(String sessionId);

    @Override
    default void close() {}
}
