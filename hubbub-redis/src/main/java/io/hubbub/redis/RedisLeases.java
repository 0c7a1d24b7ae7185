package io.hubbub.redis;

import io.hubbub.core.engine.Leases;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * {@link Leases} in Redis: per name, a holder hash {@code {owner, token}} that expires with the lease
 * and a counter that never expires (fencing tokens only grow), both under one hash tag so each Lua
 * script is atomic in a Redis Cluster too. Expiry uses Redis's clock, so nodes' clocks do not matter.
 */
public final class RedisLeases implements Leases {
    private static final LuaScript ACQUIRE = LuaScript.load("lease_acquire");
    private static final LuaScript RENEW = LuaScript.load("lease_renew");
    private static final LuaScript RELEASE = LuaScript.load("lease_release");

    private final RedisClusterAsyncCommands<String, String> redis;
    private final String prefix;

    RedisLeases(RedisClusterAsyncCommands<String, String> redis, String prefix) {
        this.redis = redis;
        this.prefix = prefix;
    }

    private String tag(String name) {
        return "{" + prefix + ":lease:" + name + "}";
    }

    private static void check(String name, String owner, Duration ttl) {
        if (name == null || name.isEmpty() || owner == null || owner.isEmpty()) throw new IllegalArgumentException("name and owner are required");
        if (ttl == null || ttl.toMillis() < 1) throw new IllegalArgumentException("ttl must be >= 1 ms");
    }

    @Override
    public CompletableFuture<OptionalLong> acquire(String name, String owner, Duration ttl) {
        check(name, owner, ttl);
        return ACQUIRE.run(redis, new String[] {tag(name) + ":holder", tag(name) + ":token"}, owner, Long.toString(ttl.toMillis()))
                .thenApply(r -> {
                    long t = LuaScript.asLong(r.getFirst());
                    return t < 0 ? OptionalLong.empty() : OptionalLong.of(t);
                });
    }

    @Override
    public CompletableFuture<Boolean> renew(String name, String owner, long token, Duration ttl) {
        check(name, owner, ttl);
        return RENEW.run(redis, new String[] {tag(name) + ":holder"}, owner, Long.toString(token), Long.toString(ttl.toMillis()))
                .thenApply(r -> LuaScript.asLong(r.getFirst()) == 1);
    }

    @Override
    public CompletableFuture<Void> release(String name, String owner, long token) {
        return RELEASE.run(redis, new String[] {tag(name) + ":holder"}, owner, Long.toString(token)).thenApply(r -> null);
    }
}
