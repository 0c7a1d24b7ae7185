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
            boolean joined = r.add(info);
            change[0] = new PresenceChange(joined, r.size());
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
            boolean left = r.remove(sessionId);
            change[0] = new PresenceChange(left, r.size());
            return r.size() == 0 ? null : r;
        });
        return CompletableFuture.completedFuture(change[0]);
    }

    @Override
    public CompletableFuture<Void> update(String channel, ClientInfo info) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(info, "info");
        channels.computeIfPresent(channel, (k, r) -> {
            r.update(info);
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
            out.set(r.snapshot());
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
     * a user's own presence channel with one session (every connection has one), so a single session is
     * held as its entry alone and the maps (entries in join order, sessions per user) exist only while
     * two or more sessions are present (issue 14, memory per idle connection: ≈ 230 B less per connection).
     */
    private static final class Room {
        /** The entry while exactly one session is present and the maps are null. */
        private ClientInfo only;
        private LinkedHashMap<String, ClientInfo> sessions;
        private HashMap<String, Integer> users;

        int size() {
            return sessions != null ? sessions.size() : only != null ? 1 : 0;
        }

        /** Adds or replaces the session's entry; true if its user was not present before. */
        boolean add(ClientInfo info) {
            if (sessions == null) {
                if (only == null) {
                    only = info;
                    return true;
                }
                if (only.sessionId().equals(info.sessionId())) {
                    boolean sameUser = only.userId().equals(info.userId());
                    only = info;
                    return !sameUser;
                }
                sessions = new LinkedHashMap<>(4);
                users = new HashMap<>(4);
                sessions.put(only.sessionId(), only);
                users.put(only.userId(), 1);
                only = null;
            }
            ClientInfo previous = sessions.put(info.sessionId(), info);
            if (previous != null && previous.userId().equals(info.userId())) return false;
            if (previous != null) release(previous.userId());
            return users.merge(info.userId(), 1, Integer::sum) == 1;
        }

        /** Removes the session's entry; true if it was its user's last. Back to a single entry when one is left. */
        boolean remove(String sessionId) {
            if (sessions == null) {
                if (only == null || !only.sessionId().equals(sessionId)) return false;
                only = null;
                return true;
            }
            ClientInfo previous = sessions.remove(sessionId);
            boolean left = previous != null && release(previous.userId());
            if (sessions.size() == 1) {
                only = sessions.values().iterator().next();
                sessions = null;
                users = null;
            }
            return left;
        }

        /** Replaces the session's entry if present and of the same user. */
        void update(ClientInfo info) {
            if (sessions == null) {
                if (only != null && only.sessionId().equals(info.sessionId()) && only.userId().equals(info.userId())) only = info;
                return;
            }
            ClientInfo previous = sessions.get(info.sessionId());
            if (previous != null && previous.userId().equals(info.userId())) sessions.put(info.sessionId(), info);
        }

        /** The entries in join order. */
        List<ClientInfo> snapshot() {
            return sessions != null ? List.copyOf(sessions.values()) : only != null ? List.of(only) : List.of();
        }

        /** Drops one session of the user; true if it was the user's last. */
        private boolean release(String userId) {
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
