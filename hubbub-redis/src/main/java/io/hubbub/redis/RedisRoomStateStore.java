package io.hubbub.redis;

import io.hubbub.core.engine.Channels;
import io.hubbub.core.engine.RoomStateStore;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Room state in Redis, all keys of a room under its channel's hash tag (one slot, so the Lua scripts
 * that check a limit and write are atomic also in a Redis Cluster): a hash for the key-value state, one
 * sorted set per named ranking, and a set of the ranking names (for limits, TTL and clear). Every write
 * restarts the TTL of all of the room's state keys.
 */
public final class RedisRoomStateStore implements RoomStateStore {
    private static final LuaScript PUT = LuaScript.load("state_put");
    private static final LuaScript INCR = LuaScript.load("state_incr");
    private static final LuaScript RANK = LuaScript.load("state_rank");
    private static final LuaScript CLEAR = LuaScript.load("state_clear");

    private final RedisClusterAsyncCommands<String, String> redis;
    private final RedisKeys keys;
    private final Limits limits;

    RedisRoomStateStore(RedisClusterAsyncCommands<String, String> redis, RedisKeys keys, Limits limits) {
        this.redis = redis;
        this.keys = keys;
        this.limits = limits;
    }

    @Override
    public Limits limits() {
        return limits;
    }

    private String hash(String roomId) {
        return keys.stateHash(Channels.room(roomId));
    }

    private String sets(String roomId) {
        return keys.stateSets(Channels.room(roomId));
    }

    private String setPrefix(String roomId) {
        return keys.stateSetPrefix(Channels.room(roomId));
    }

    private void checkKey(String what, String k) {
        if (k == null || k.isEmpty()) throw HubbubException.badRequest(what + " must not be empty");
        if (k.length() > limits.maxKeyLength()) {
            throw new HubbubException(ErrorCode.TOO_LARGE, what + " is over " + limits.maxKeyLength() + " characters");
        }
    }

    private static <T> CompletableFuture<T> mapped(CompletableFuture<T> f) {
        return f.exceptionally(e -> { throw RedisFailures.map(e); });
    }

    @Override
    public CompletableFuture<Optional<String>> get(String roomId, String key) {
        return mapped(redis.hget(hash(roomId), key).toCompletableFuture().thenApply(Optional::ofNullable));
    }

    @Override
    public CompletableFuture<Map<String, String>> entries(String roomId) {
        return mapped(redis.hgetall(hash(roomId)).toCompletableFuture().thenApply(m -> m == null ? Map.of() : new LinkedHashMap<>(m)));
    }

    @Override
    public CompletableFuture<Void> put(String roomId, String key, String value) {
        try {
            checkKey("key", key);
            if (value == null) throw HubbubException.badRequest("value must not be null");
            if (value.length() > limits.maxValueLength()) {
                throw new HubbubException(ErrorCode.TOO_LARGE, "value is over " + limits.maxValueLength() + " characters");
            }
        } catch (HubbubException e) {
            return CompletableFuture.failedFuture(e);
        }
        return PUT.run(redis, new String[] {hash(roomId), sets(roomId)}, key, value, Integer.toString(limits.maxKeys()),
                Long.toString(limits.ttl().toMillis()), setPrefix(roomId)).thenApply(r -> {
            if (LuaScript.asLong(r.getFirst()) == 0) {
                throw new HubbubException(ErrorCode.LIMIT_EXCEEDED, "room state is full (" + limits.maxKeys() + " keys)");
            }
            return null;
        });
    }

    @Override
    public CompletableFuture<Boolean> delete(String roomId, String key) {
        return mapped(redis.hdel(hash(roomId), key).toCompletableFuture().thenApply(n -> n != null && n > 0));
    }

    @Override
    public CompletableFuture<Double> incrementScore(String roomId, String set, String member, double by) {
        try {
            checkKey("set", set);
            checkKey("member", member);
            if (!Double.isFinite(by)) throw HubbubException.badRequest("increment must be a finite number");
        } catch (HubbubException e) {
            return CompletableFuture.failedFuture(e);
        }
        String prefix = setPrefix(roomId);
        return INCR.run(redis, new String[] {hash(roomId), sets(roomId), prefix + set}, set, member, Double.toString(by),
                Integer.toString(limits.maxSets()), Integer.toString(limits.maxSetMembers()),
                Long.toString(limits.ttl().toMillis()), prefix).thenApply(r -> {
            if (LuaScript.asLong(r.get(0)) == 0) {
                String msg = "sets".equals(r.get(1)) ? "at most " + limits.maxSets() + " sorted sets per room"
                        : "sorted set is full (" + limits.maxSetMembers() + " members)";
                throw new HubbubException(ErrorCode.LIMIT_EXCEEDED, msg);
            }
            return Double.parseDouble(String.valueOf(r.get(1)));
        });
    }

    @Override
    public CompletableFuture<List<Score>> top(String roomId, String set, int n) {
        if (n < 1) return CompletableFuture.failedFuture(HubbubException.badRequest("n must be >= 1"));
        return mapped(redis.zrevrangeWithScores(setPrefix(roomId) + set, 0, n - 1).toCompletableFuture().thenApply(l -> {
            List<Score> out = new ArrayList<>(l.size());
            for (int i = 0; i < l.size(); i++) {
                ScoredValue<String> v = l.get(i);
                out.add(new Score(v.getValue(), v.getScore(), i));
            }
            return List.copyOf(out);
        }));
    }

    @Override
    public CompletableFuture<Optional<Score>> rank(String roomId, String set, String member) {
        return RANK.run(redis, new String[] {setPrefix(roomId) + set}, member).thenApply(r -> r.isEmpty()
                ? Optional.<Score>empty()
                : Optional.of(new Score(member, Double.parseDouble(String.valueOf(r.get(1))), LuaScript.asLong(r.get(0)))));
    }

    @Override
    public CompletableFuture<Void> clear(String roomId) {
        return CLEAR.run(redis, new String[] {hash(roomId), sets(roomId)}, setPrefix(roomId)).thenApply(r -> null);
    }
}
