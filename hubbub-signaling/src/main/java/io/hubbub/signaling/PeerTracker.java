package io.hubbub.signaling;

import io.hubbub.core.limit.TokenBucket;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * This node's signaling peers: one entry per (connection, room), with the seed's PeerInfo fields
 * (connectedAt, lastHeartbeat) and the connection's candidate rate limit. Each node tracks only its own
 * connections, so heartbeat timeouts are decided by the node that holds the connection — correct in a
 * cluster without shared clocks. Bounded by {@code maxPeers} ({@code limit_exceeded} beyond).
 *
 * <p>Thread-safe: written from connection executors and read by the sweeps.
 *
 * @param <S> the connection type (the server's Session; a plain object in unit tests)
 */
public final class PeerTracker<S> {

    /** One connection in one room. {@code lastHeartbeat} moves on every heartbeat or signal of the connection. */
    public static final class Peer<S> {
        final S session;
        final String sessionId;
        final String userId;
        final String name;
        final String room;
        final long connectedAt;
        final TokenBucket candidates;
        volatile long lastHeartbeat;
        volatile long iceRefreshAt = Long.MAX_VALUE;
        /** The feature's object for the room (the core Room), so the per-signal path needs no room lookup. */
        volatile Object roomHandle;

        Peer(S session, String sessionId, String userId, String name, String room, long now, TokenBucket candidates) {
            this.session = session;
            this.sessionId = sessionId;
            this.userId = userId;
            this.name = name;
            this.room = room;
            this.connectedAt = now;
            this.lastHeartbeat = now;
            this.candidates = candidates;
        }

        public S session() { return session; }
        public String sessionId() { return sessionId; }
        public String userId() { return userId; }
        public String name() { return name; }
        public String room() { return room; }
        public long connectedAt() { return connectedAt; }
        public long lastHeartbeat() { return lastHeartbeat; }
        public Object roomHandle() { return roomHandle; }
        public void roomHandle(Object h) { roomHandle = h; }
        /** False when this connection's candidate allowance in this room is used up. */
        public boolean allowCandidate() { return candidates.tryAcquire(); }
    }

    private final Map<String, Map<String, Peer<S>>> bySession = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Peer<S>>> byRoom = new ConcurrentHashMap<>();
    private final int maxPeers;
    private final double candidatesPerSecond;
    private final int candidateBurst;
    private final LongSupplier nanos;
    private int size;

    public PeerTracker(int maxPeers, double candidatesPerSecond, int candidateBurst, LongSupplier nanos) {
        this.maxPeers = maxPeers;
        this.candidatesPerSecond = candidatesPerSecond;
        this.candidateBurst = candidateBurst;
        this.nanos = nanos;
    }

    /** Adds (or returns the existing) entry of a connection in a room. */
    public synchronized Peer<S> add(S session, String sessionId, String userId, String name, String room, long now) {
        Peer<S> old = bySession.getOrDefault(sessionId, Map.of()).get(room);
        if (old != null) return old;
        if (size >= maxPeers) throw new HubbubException(ErrorCode.LIMIT_EXCEEDED, "this node serves its maximum of " + maxPeers + " signaling peers");
        Peer<S> p = new Peer<>(session, sessionId, userId, name, room, now, new TokenBucket(candidatesPerSecond, candidateBurst, nanos));
        bySession.computeIfAbsent(sessionId, k -> new ConcurrentHashMap<>()).put(room, p);
        byRoom.computeIfAbsent(room, k -> new ConcurrentHashMap<>()).put(sessionId, p);
        size++;
        return p;
    }

    public synchronized Peer<S> remove(String sessionId, String room) {
        Map<String, Peer<S>> rooms = bySession.get(sessionId);
        Peer<S> p = rooms == null ? null : rooms.remove(room);
        if (p == null) return null;
        if (rooms.isEmpty()) bySession.remove(sessionId);
        Map<String, Peer<S>> peers = byRoom.get(room);
        if (peers != null) {
            peers.remove(sessionId);
            if (peers.isEmpty()) byRoom.remove(room);
        }
        size--;
        return p;
    }

    public Peer<S> get(String sessionId, String room) {
        Map<String, Peer<S>> rooms = bySession.get(sessionId);
        return rooms == null ? null : rooms.get(room);
    }

    /** A heartbeat (or any signal) of a connection counts for every room it is in. */
    public void heartbeat(String sessionId, long now) {
        Map<String, Peer<S>> rooms = bySession.get(sessionId);
        if (rooms != null) for (Peer<S> p : rooms.values()) p.lastHeartbeat = now;
    }

    /** False when the connection's candidate allowance is used up. */
    public boolean allowCandidate(String sessionId, String room) {
        Peer<S> p = get(sessionId, room);
        return p == null || p.candidates.tryAcquire();
    }

    /** Entries silent for longer than {@code timeoutMillis}. */
    public List<Peer<S>> silent(long now, long timeoutMillis) {
        List<Peer<S>> out = new ArrayList<>();
        for (Map<String, Peer<S>> rooms : bySession.values())
            for (Peer<S> p : rooms.values()) if (now - p.lastHeartbeat > timeoutMillis) out.add(p);
        return out;
    }

    /** This node's entries in a room, one per user (the earliest connection), in join order. */
    public List<Peer<S>> inRoom(String room) {
        Map<String, Peer<S>> byUser = new LinkedHashMap<>();
        List<Peer<S>> all = new ArrayList<>(byRoom.getOrDefault(room, Map.of()).values());
        all.sort((a, b) -> Long.compare(a.connectedAt, b.connectedAt));
        for (Peer<S> p : all) byUser.putIfAbsent(p.userId, p);
        return new ArrayList<>(byUser.values());
    }

    /** The latest heartbeat of a user in a room on this node, or 0. */
    public long lastHeartbeat(String room, String userId) {
        long best = 0;
        for (Peer<S> p : byRoom.getOrDefault(room, Map.of()).values()) if (p.userId.equals(userId)) best = Math.max(best, p.lastHeartbeat);
        return best;
    }

    /**
     * Connections whose ICE credentials are due ({@code iceRefreshAt <= now}), one per connection; the
     * entries of each are moved to {@code nextAt}. A new entry is due at {@code firstAt} (see {@link #add}).
     */
    public List<S> iceRefreshDue(long now, long nextAt) {
        List<S> out = new ArrayList<>();
        for (Map<String, Peer<S>> rooms : bySession.values()) {
            boolean due = false;
            for (Peer<S> p : rooms.values()) if (p.iceRefreshAt <= now) due = true;
            if (!due) continue;
            S session = null;
            for (Peer<S> p : rooms.values()) {
                p.iceRefreshAt = nextAt;
                session = p.session;
            }
            if (session != null) out.add(session);
        }
        return out;
    }

    /** When this connection's ICE credentials (handed out with its join) should be refreshed. */
    public void iceRefreshAt(String sessionId, String room, long at) {
        Peer<S> p = get(sessionId, room);
        if (p != null) p.iceRefreshAt = at;
    }

    /** One entry per connection (for the server's heartbeat push). */
    public List<S> sessions() {
        List<S> out = new ArrayList<>();
        for (Map<String, Peer<S>> rooms : bySession.values()) {
            Collection<Peer<S>> v = rooms.values();
            if (!v.isEmpty()) out.add(v.iterator().next().session);
        }
        return out;
    }

    public synchronized int size() {
        return size;
    }

    public int rooms() {
        return byRoom.size();
    }
}
