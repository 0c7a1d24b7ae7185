package io.hubbub.core.engine.memory;

import io.hubbub.core.engine.ClientInfo;
import io.hubbub.core.engine.PresenceChange;
import io.hubbub.core.engine.PresenceManager;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The single-node {@link PresenceManager}: channel → session id → {@link ClientInfo}, with a per-channel
 * count of each user's sessions so presence is de-duplicated per user. A session id belongs to one
 * user. Entries never expire (the node owning them is this process); they are removed by
 * {@link #remove}, and an emptied channel is dropped, so memory is bounded by the connections present.
 *
 * <p>Last-seen times are kept for at most {@code lastSeenCapacity} users (default
 * {@value #DEFAULT_LAST_SEEN_CAPACITY}); beyond that the user whose time was set longest ago is evicted.
 *
 * <p>Threading: all methods may be called from any thread concurrently. Changes to one channel are
 * atomic (each runs inside {@link ConcurrentHashMap#compute}), so of several concurrent adds of one
 * user's sessions exactly one reports {@code userChanged}, and likewise for removes. Reads return
 * snapshots. All futures are complete on return.
 */
public final class MemoryPresenceManager implements PresenceManager {
    public static final int DEFAULT_LAST_SEEN_CAPACITY = 100_000;

    private final ConcurrentHashMap<String, Room> channels = new ConcurrentHashMap<>();
    private final ReentrantLock lastSeenLock = new ReentrantLock();
    /** Insertion-ordered by the latest set, so the first entry is the one set longest ago. Guarded by lastSeenLock. */
    private final LinkedHashMap<String, Long> lastSeen = new LinkedHashMap<>();
    private final int lastSeenCapacity;

    public MemoryPresenceManager() {
        this(DEFAULT_LAST_SEEN_CAPACITY);
    }

    public MemoryPresenceManager(int lastSeenCapacity) {
        if (lastSeenCapacity < 1) throw new IllegalArgumentException("lastSeenCapacity must be >= 1");
        this.lastSeenCapacity = lastSeenCapacity;
    }

    @Override
    public CompletableFuture<PresenceChange> add(String channel, ClientInfo info) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(info, "info");
        Objects.requireNonNull(info.sessionId(), "info.sessionId");
        Objects.requireNonNull(info.userId(), "info.userId");
        PresenceChange[] change = new PresenceChange[1];
        channels.compute(channel, (k, room) -> {
            Room r = room == null ? new Room() : room;
            ClientInfo previous = r.sessions.put(info.sessionId(), info);
            boolean joined;
            if (previous != null && previous.userId().equals(info.userId())) {
                joined = false;
            } else {
                if (previous != null) r.release(previous.userId());
                joined = r.users.merge(info.userId(), 1, Integer::sum) == 1;
            }
            change[0] = new PresenceChange(joined, r.sessions.size());
            return r;
        });
        return CompletableFuture.completedFuture(change[0]);
    }

    /** Removes the session's entry; the user id of the stored entry decides de-duplication. */
    @Override
    public CompletableFuture<PresenceChange> remove(String channel, String sessionId, String userId) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(sessionId, "sessionId");
        PresenceChange[] change = {new PresenceChange(false, 0)};
        channels.computeIfPresent(channel, (k, r) -> {
            ClientInfo previous = r.sessions.remove(sessionId);
            boolean left = previous != null && r.release(previous.userId());
            change[0] = new PresenceChange(left, r.sessions.size());
            return r.sessions.isEmpty() ? null : r;
        });
        return CompletableFuture.completedFuture(change[0]);
    }

    @Override
    public CompletableFuture<Void> update(String channel, ClientInfo info) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(info, "info");
        channels.computeIfPresent(channel, (k, r) -> {
            ClientInfo previous = r.sessions.get(info.sessionId());
            if (previous != null && previous.userId().equals(info.userId())) r.sessions.put(info.sessionId(), info);
            return r;
        });
        return CompletableFuture.completedFuture(null);
    }

    /** Entries in join order. */
    @Override
    public CompletableFuture<List<ClientInfo>> presence(String channel) {
        Objects.requireNonNull(channel, "channel");
        AtomicReference<List<ClientInfo>> out = new AtomicReference<>(List.of());
        channels.computeIfPresent(channel, (k, r) -> {
            out.set(List.copyOf(r.sessions.values()));
            return r;
        });
        return CompletableFuture.completedFuture(out.get());
    }

    @Override
    public CompletableFuture<Void> setLastSeen(String userId, long epochMillis) {
        Objects.requireNonNull(userId, "userId");
        lastSeenLock.lock();
        try {
            lastSeen.remove(userId);
            lastSeen.put(userId, epochMillis);
            Iterator<String> oldest = lastSeen.keySet().iterator();
            while (lastSeen.size() > lastSeenCapacity) {
                oldest.next();
                oldest.remove();
            }
        } finally {
            lastSeenLock.unlock();
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Map<String, Long>> lastSeen(Collection<String> userIds) {
        Objects.requireNonNull(userIds, "userIds");
        Map<String, Long> out = new HashMap<>();
        lastSeenLock.lock();
        try {
            for (String id : userIds) {
                Long t = lastSeen.get(id);
                if (t != null) out.put(id, t);
            }
        } finally {
            lastSeenLock.unlock();
        }
        return CompletableFuture.completedFuture(Map.copyOf(out));
    }

    /** Number of channels with someone present (for tests and metrics). */
    public int channelCount() {
        return channels.size();
    }

    /**
     * One channel's presence; only touched inside the channels map's compute functions. Most channels are
     * a user's own presence channel with one or two sessions (every connection has one), so the maps start
     * with two slots instead of sixteen and grow as a room fills (issue 14, memory per idle connection).
     */
    private static final class Room {
        final LinkedHashMap<String, ClientInfo> sessions = new LinkedHashMap<>(2);
        final HashMap<String, Integer> users = new HashMap<>(2);

        /** Drops one session of the user; true if it was the user's last. */
        boolean release(String userId) {
            Integer n = users.get(userId);
            if (n == null || n <= 1) {
                users.remove(userId);
                return n != null;
            }
            users.put(userId, n - 1);
            return false;
        }
    }
}
