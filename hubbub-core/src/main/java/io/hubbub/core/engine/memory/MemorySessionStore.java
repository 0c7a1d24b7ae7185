package io.hubbub.core.engine.memory;

import io.hubbub.core.engine.SessionSnapshot;
import io.hubbub.core.engine.SessionStore;
import io.hubbub.core.protocol.HubbubException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The single-node {@link SessionStore}: snapshots kept until their TTL passes. Expired snapshots are
 * invisible at once and removed lazily and by {@link #sweep}. At most {@code capacity} snapshots
 * (default {@value #DEFAULT_CAPACITY}) are held: when full even after a sweep, {@link #save} fails with
 * {@code unavailable} and that session simply cannot be resumed (its client joins again).
 *
 * <p>Threading: all methods may be called from any thread concurrently. {@link #take} removes the entry
 * with one atomic map operation, so among concurrent takes of one id at most one gets the snapshot.
 * All futures are complete on return.
 */
public final class MemorySessionStore implements SessionStore {
    public static final int DEFAULT_CAPACITY = 200_000;

    private record Entry(SessionSnapshot snapshot, long expiresAt) {
        boolean expired(long now) {
            return now - expiresAt >= 0;
        }
    }

    private final ConcurrentHashMap<String, Entry> sessions = new ConcurrentHashMap<>();
    private final int capacity;

    public MemorySessionStore() {
        this(DEFAULT_CAPACITY);
    }

    public MemorySessionStore(int capacity) {
        if (capacity < 1) throw new IllegalArgumentException("capacity must be >= 1");
        this.capacity = capacity;
    }

    @Override
    public CompletableFuture<Void> save(SessionSnapshot snapshot, Duration ttl) {
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(snapshot.sessionId(), "snapshot.sessionId");
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("ttl must be positive"));
        }
        if (sessions.size() >= capacity && !sessions.containsKey(snapshot.sessionId())) {
            sweep();
            if (sessions.size() >= capacity) {
                return CompletableFuture.failedFuture(HubbubException.unavailable("session store is full"));
            }
        }
        sessions.put(snapshot.sessionId(), new Entry(snapshot, System.nanoTime() + ttl.toNanos()));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Optional<SessionSnapshot>> load(String sessionId) {
        Objects.requireNonNull(sessionId, "sessionId");
        Entry e = sessions.get(sessionId);
        if (e == null) return CompletableFuture.completedFuture(Optional.empty());
        if (e.expired(System.nanoTime())) {
            sessions.remove(sessionId, e);
            return CompletableFuture.completedFuture(Optional.empty());
        }
        return CompletableFuture.completedFuture(Optional.of(e.snapshot()));
    }

    @Override
    public CompletableFuture<Optional<SessionSnapshot>> take(String sessionId) {
        Objects.requireNonNull(sessionId, "sessionId");
        Entry e = sessions.remove(sessionId);
        if (e == null || e.expired(System.nanoTime())) return CompletableFuture.completedFuture(Optional.empty());
        return CompletableFuture.completedFuture(Optional.of(e.snapshot()));
    }

    @Override
    public CompletableFuture<Void> delete(String sessionId) {
        sessions.remove(Objects.requireNonNull(sessionId, "sessionId"));
        return CompletableFuture.completedFuture(null);
    }

    /** Removes expired snapshots; returns how many. */
    public int sweep() {
        long now = System.nanoTime();
        int removed = 0;
        for (Map.Entry<String, Entry> e : sessions.entrySet()) {
            if (e.getValue().expired(now) && sessions.remove(e.getKey(), e.getValue())) removed++;
        }
        return removed;
    }

    /** Snapshots held, including expired ones not yet swept (for tests and metrics). */
    public int size() {
        return sessions.size();
    }
}
