package io.hubbub.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hubbub.core.engine.SessionSnapshot;
import io.hubbub.core.engine.SessionStore;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Resumable sessions in Redis: one JSON value per session with a PX expiry. {@link #take} is GETDEL
 * (Redis 6.2+), so of two nodes racing to resume the same session exactly one gets it.
 */
public final class RedisSessionStore implements SessionStore {
    private final RedisClusterAsyncCommands<String, String> redis;
    private final RedisKeys keys;
    private final ObjectMapper json;

    RedisSessionStore(RedisClusterAsyncCommands<String, String> redis, RedisKeys keys, ObjectMapper json) {
        this.redis = redis;
        this.keys = keys;
        this.json = json;
    }

    @Override
    public CompletableFuture<Void> save(SessionSnapshot snapshot, Duration ttl) {
        String value;
        try {
            value = json.writeValueAsString(snapshot);
        } catch (JsonProcessingException e) {
            return CompletableFuture.failedFuture(e);
        }
        return redis.set(keys.session(snapshot.sessionId()), value, SetArgs.Builder.px(Math.max(1, ttl.toMillis())))
                .toCompletableFuture().<Void>thenApply(r -> null)
                .exceptionally(e -> { throw RedisFailures.map(e); });
    }

    @Override
    public CompletableFuture<Optional<SessionSnapshot>> load(String sessionId) {
        return redis.get(keys.session(sessionId)).toCompletableFuture()
                .thenApply(this::decode).exceptionally(e -> { throw RedisFailures.map(e); });
    }

    @Override
    public CompletableFuture<Optional<SessionSnapshot>> take(String sessionId) {
        return redis.getdel(keys.session(sessionId)).toCompletableFuture()
                .thenApply(this::decode).exceptionally(e -> { throw RedisFailures.map(e); });
    }

    @Override
    public CompletableFuture<Void> delete(String sessionId) {
        return redis.del(keys.session(sessionId)).toCompletableFuture().<Void>thenApply(r -> null)
                .exceptionally(e -> { throw RedisFailures.map(e); });
    }

    private Optional<SessionSnapshot> decode(String v) {
        if (v == null) return Optional.empty();
        try {
            return Optional.of(json.readValue(v, SessionSnapshot.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("bad session snapshot", e);
        }
    }
}
