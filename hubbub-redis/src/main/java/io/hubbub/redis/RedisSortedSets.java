package io.hubbub.redis;

import io.hubbub.core.engine.SortedSets;
import io.lettuce.core.ScoredValue;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * {@link SortedSets} as Redis sorted sets, one key per set ({@code <prefix>:zset:<name>}, a single key
 * per call, so a Redis Cluster is fine): ZADD, ZINCRBY, ZREM, ZREVRANK, ZREVRANGE WITHSCORES, ZCARD;
 * the two-step writes ({@link #put} replacing a member, {@link #replaceAll}) are Lua scripts. Redis
 * orders equal scores by member bytes, which {@link SortedSets} documents.
 */
public final class RedisSortedSets implements SortedSets {
    private static final LuaScript PUT = LuaScript.load("zset_put");
    private static final LuaScript REPLACE = LuaScript.load("zset_replace");

    private final RedisClusterAsyncCommands<String, String> redis;
    private final String prefix;

    RedisSortedSets(RedisClusterAsyncCommands<String, String> redis, String prefix) {
        this.redis = redis;
        this.prefix = prefix + ":zset:";
    }

    private String key(String set) {
        if (set == null || set.isEmpty()) throw new IllegalArgumentException("set is required");
        return prefix + set;
    }

    private static <T> CompletableFuture<T> mapped(CompletableFuture<T> f) {
        return f.exceptionally(e -> { throw RedisFailures.map(e); });
    }

    @Override
    public CompletableFuture<Void> put(String set, String member, double score, String replaces) {
        return PUT.run(redis, new String[] {key(set)}, member, Double.toString(score), replaces == null ? "" : replaces).thenApply(r -> null);
    }

    @Override
    public CompletableFuture<Double> increment(String set, String member, double by) {
        return mapped(redis.zincrby(key(set), by, member).toCompletableFuture());
    }

    @Override
    public CompletableFuture<Boolean> remove(String set, String member) {
        return mapped(redis.zrem(key(set), member).toCompletableFuture().thenApply(n -> n != null && n > 0));
    }

    @Override
    public CompletableFuture<OptionalLong> rank(String set, String member) {
        return mapped(redis.zrevrank(key(set), member).toCompletableFuture().thenApply(r -> r == null ? OptionalLong.empty() : OptionalLong.of(r)));
    }

    @Override
    public CompletableFuture<List<Member>> range(String set, long from, int count) {
        if (from < 0 || count <= 0) return CompletableFuture.completedFuture(List.of());
        return mapped(redis.zrevrangeWithScores(key(set), from, from + count - 1).toCompletableFuture().thenApply(l -> {
            List<Member> out = new ArrayList<>(l.size());
            for (ScoredValue<String> v : l) out.add(new Member(v.getValue(), v.getScore()));
            return out;
        }));
    }

    @Override
    public CompletableFuture<Long> size(String set) {
        return mapped(redis.zcard(key(set)).toCompletableFuture());
    }

    @Override
    public CompletableFuture<Void> replaceAll(String set, Map<String, Double> members) {
        String[] args = new String[members.size() * 2];
        int i = 0;
        for (Map.Entry<String, Double> e : members.entrySet()) {
            args[i++] = Double.toString(e.getValue());
            args[i++] = e.getKey();
        }
        return REPLACE.run(redis, new String[] {key(set)}, args).thenApply(r -> null);
    }

    @Override
    public CompletableFuture<Void> delete(String set) {
        return mapped(redis.del(key(set)).toCompletableFuture().thenApply(n -> null));
    }
}
