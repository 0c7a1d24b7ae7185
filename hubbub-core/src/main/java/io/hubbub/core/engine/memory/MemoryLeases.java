package io.hubbub.core.engine.memory;

import io.hubbub.core.engine.Leases;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongSupplier;

/**
 * The single-node {@link Leases}: one map under one monitor (leases are few and calls are rare).
 * Tokens come from one counter per name, kept after expiry so they never go back. Bounded by the
 * number of lease names the server's code uses.
 *
 * <p>Threading: any thread; futures are complete on return.
 */
public final class MemoryLeases implements Leases {
    private record Held(String owner, long token, long expiresAtNanos) {}

    private final Map<String, Held> held = new HashMap<>();
    private final Map<String, Long> counters = new HashMap<>();
    private final LongSupplier nanos;

    public MemoryLeases() {
        this(System::nanoTime);
    }

    /** With a replaceable monotonic clock (tests). */
    public MemoryLeases(LongSupplier nanos) {
        this.nanos = nanos;
    }

    private static void check(String name, String owner, Duration ttl) {
        if (name == null || name.isEmpty() || owner == null || owner.isEmpty()) throw new IllegalArgumentException("name and owner are required");
        if (ttl == null || ttl.toMillis() < 1) throw new IllegalArgumentException("ttl must be >= 1 ms");
    }

    private Held live(String name, long now) {
        Held h = held.get(name);
        return h == null || now - h.expiresAtNanos >= 0 ? null : h;
    }

    @Override
    public synchronized CompletableFuture<OptionalLong> acquire(String name, String owner, Duration ttl) {
        check(name, owner, ttl);
        long now = nanos.getAsLong();
        Held h = live(name, now);
        if (h != null && !h.owner.equals(owner)) return CompletableFuture.completedFuture(OptionalLong.empty());
        long token = h != null ? h.token : counters.merge(name, 1L, Long::sum);
        held.put(name, new Held(owner, token, now + ttl.toNanos()));
        return CompletableFuture.completedFuture(OptionalLong.of(token));
    }

    @Override
    public synchronized CompletableFuture<Boolean> renew(String name, String owner, long token, Duration ttl) {
        check(name, owner, ttl);
        long now = nanos.getAsLong();
        Held h = live(name, now);
        if (h == null || !h.owner.equals(owner) || h.token != token) return CompletableFuture.completedFuture(false);
        held.put(name, new Held(owner, token, now + ttl.toNanos()));
        return CompletableFuture.completedFuture(true);
    }

    @Override
    public synchronized CompletableFuture<Void> release(String name, String owner, long token) {
        Held h = held.get(name);
        if (h != null && h.owner.equals(owner) && h.token == token) held.remove(name);
        return CompletableFuture.completedFuture(null);
    }
}
