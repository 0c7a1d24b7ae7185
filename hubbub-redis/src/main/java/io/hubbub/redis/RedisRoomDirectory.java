package io.hubbub.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hubbub.core.engine.Channels;
import io.hubbub.core.engine.RoomDirectory;
import io.hubbub.core.engine.RoomEntry;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * The room directory in Redis: one JSON string per room with a PX expiry, under the room channel's
 * hash tag (same slot as its history). create is {@code SET NX}, refresh is {@code PEXPIRE}: both
 * atomic, so two nodes creating one id get one winner.
 */
public final class RedisRoomDirectory implements RoomDirectory {
    private final RedisClusterAsyncCommands<String, String> redis;
    private final RedisKeys keys;
    private final ObjectMapper json;

    RedisRoomDirectory(RedisClusterAsyncCommands<String, String> redis, RedisKeys keys, ObjectMapper json) {
        this.redis = redis;
        this.keys = keys;
        this.json = json;
    }

    private String key(String roomId) {
        return keys.roomEntry(Channels.room(roomId));
    }

    private static long ms(Duration ttl) {
        if (ttl == null || ttl.toMillis() < 1) throw new IllegalArgumentException("ttl must be >= 1 ms");
        return ttl.toMillis();
    }

    private String encode(RoomEntry e) {
        try {
            return json.writeValueAsString(e);
        } catch (JsonProcessingException x) {
            throw new IllegalStateException("cannot encode room entry", x);
        }
    }

    @Override
    public CompletableFuture<Boolean> create(RoomEntry entry, Duration ttl) {
        return redis.set(key(entry.id()), encode(entry), SetArgs.Builder.nx().px(ms(ttl))).toCompletableFuture()
                .thenApply("OK"::equals).exceptionally(e -> { throw RedisFailures.map(e); });
    }

    @Override
    public CompletableFuture<Void> put(RoomEntry entry, Duration ttl) {
        return redis.set(key(entry.id()), encode(entry), SetArgs.Builder.px(ms(ttl))).toCompletableFuture()
                .<Void>thenApply(r -> null).exceptionally(e -> { throw RedisFailures.map(e); });
    }

    @Override
    public CompletableFuture<Boolean> refresh(String roomId, Duration ttl) {
        return redis.pexpire(key(roomId), ms(ttl)).toCompletableFuture()
                .thenApply(Boolean.TRUE::equals).exceptionally(e -> { throw RedisFailures.map(e); });
    }

    @Override
    public CompletableFuture<Optional<RoomEntry>> get(String roomId) {
        return redis.get(key(roomId)).toCompletableFuture().thenApply(v -> {
            if (v == null) return Optional.<RoomEntry>empty();
            try {
                return Optional.of(json.readValue(v, RoomEntry.class));
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("bad room entry", e);
            }
        }).exceptionally(e -> { throw RedisFailures.map(e); });
    }

    @Override
    public CompletableFuture<Boolean> remove(String roomId) {
        return redis.del(key(roomId)).toCompletableFuture().thenApply(n -> n != null && n > 0)
                .exceptionally(e -> { throw RedisFailures.map(e); });
    }
}
