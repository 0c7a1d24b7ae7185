package io.hubbub.core.engine.memory;

import io.hubbub.core.engine.RoomDirectory;
import io.hubbub.core.engine.RoomEntry;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The single-node {@link RoomDirectory}: entries in a map, invisible once expired, removed lazily and by
 * {@link #sweep}. Bounded by the rooms a node may hold (the core's limits), not by itself.
 *
 * <p>Threading: any thread; each operation is one atomic map operation; futures are complete on return.
 */
public final class MemoryRoomDirectory implements RoomDirectory {
    private record Held(RoomEntry entry, long expiresAt) {
        boolean expired(long now) {
            return now - expiresAt >= 0;
        }

        Held renewed(Duration ttl) {
            return new Held(entry, System.nanoTime() + ttl.toNanos());
        }
    }

    private final ConcurrentHashMap<String, Held> rooms = new ConcurrentHashMap<>();

    private static long deadline(Duration ttl) {
        if (ttl == null || ttl.isNegative() || ttl.isZero()) throw new IllegalArgumentException("ttl must be positive");
        return System.nanoTime() + ttl.toNanos();
    }

    @Override
    public CompletableFuture<Boolean> create(RoomEntry entry, Duration ttl) {
        Objects.requireNonNull(entry, "entry");
        long until = deadline(ttl);
        boolean[] created = {false};
        rooms.compute(entry.id(), (k, cur) -> {
            if (cur != null && !cur.expired(System.nanoTime())) return cur;
            created[0] = true;
            return new Held(entry, until);
        });
        return CompletableFuture.completedFuture(created[0]);
    }

    @Override
    public CompletableFuture<Void> put(RoomEntry entry, Duration ttl) {
        Objects.requireNonNull(entry, "entry");
        rooms.put(entry.id(), new Held(entry, deadline(ttl)));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Boolean> refresh(String roomId, Duration ttl) {
        deadline(ttl);
        Held h = rooms.computeIfPresent(roomId, (k, cur) -> cur.expired(System.nanoTime()) ? null : cur.renewed(ttl));
        return CompletableFuture.completedFuture(h != null);
    }

    @Override
    public CompletableFuture<Optional<RoomEntry>> get(String roomId) {
        Held h = rooms.get(Objects.requireNonNull(roomId, "roomId"));
        if (h == null || h.expired(System.nanoTime())) return CompletableFuture.completedFuture(Optional.empty());
        return CompletableFuture.completedFuture(Optional.of(h.entry()));
    }

    @Override
    public CompletableFuture<Boolean> remove(String roomId) {
        Held h = rooms.remove(Objects.requireNonNull(roomId, "roomId"));
        return CompletableFuture.completedFuture(h != null && !h.expired(System.nanoTime()));
    }

    /** Removes expired entries; returns how many. */
    public int sweep() {
        long now = System.nanoTime();
        int n = 0;
        for (Map.Entry<String, Held> e : rooms.entrySet()) {
            if (e.getValue().expired(now) && rooms.remove(e.getKey(), e.getValue())) n++;
        }
        return n;
    }
}
