package io.hubbub.core.session;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.core.auth.Principal;
import io.hubbub.core.limit.TokenBucket;
import io.hubbub.core.protocol.Outbound;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * One client connection, whatever its protocol.
 *
 * <p>Threading contract: the membership fields (rooms, topics, watched users, status) are read and
 * written only on {@link #executor()}, which runs one task at a time; handlers are dispatched there.
 * {@link #deliver} is called from broker threads and touches only the thread-safe recovery map and
 * the transport, whose {@code send} is thread-safe and bounded.
 */
public final class Session {
    private final String id;
    private final SessionTransport transport;
    private final long connectedAt = System.currentTimeMillis();
    private volatile Principal principal;
    private volatile boolean closed;
    private volatile java.util.concurrent.Future<?> authTimeout;

    // executor-confined state; the collections are made on first use, so an idle session holds none
    private Map<String, Long> rooms;
    private Set<String> topics;
    private Set<String> watched;
    private String status = "active";
    private JsonNode custom;
    private int rateLimitedInRow;
    /** The connection's frame-rate limit (set when it opens); held here, not in a map keyed by session. */
    private volatile TokenBucket frameLimit;

    private volatile CompletableFuture<?> online;
    private final CompletableFuture<Void> cleanedUp = new CompletableFuture<>();

    // touched by broker threads; made (on the executor) by the first beginBuffering, kept from then on
    private volatile Map<String, RecoveryBuffer> recovering;
    /** Non-null only while a resume reply is pending: see {@link #watchDelivered}. */
    private volatile DeliveredPositions delivered;

    public Session(String id, SessionTransport transport) {
        this.id = id;
        this.transport = transport;
    }

    public String id() {
        return id;
    }

    public SessionTransport transport() {
        return transport;
    }

    public Executor executor() {
        return transport.executor();
    }

    public long connectedAt() {
        return connectedAt;
    }

    /** Null until authenticated. */
    public Principal principal() {
        return principal;
    }

    public boolean isAuthenticated() {
        return principal != null;
    }

    public String userId() {
        Principal p = principal;
        return p == null ? null : p.userId();
    }

    public void authenticate(Principal p) {
        this.principal = p;
        cancelAuthTimeout();
    }

    // Dropped once cancelled: an idle session must not keep its spent timer (and what it captured) alive.
    private void cancelAuthTimeout() {
        java.util.concurrent.Future<?> t = authTimeout;
        authTimeout = null;
        if (t != null) t.cancel(false);
    }

    /** The pending close-if-not-authenticated timer; cancelled by {@link #authenticate} and {@link #markClosed}. */
    public void authTimeout(java.util.concurrent.Future<?> timer) {
        this.authTimeout = timer;
    }

    /** Completes when the user's online presence was recorded for this connection (set at authentication). */
    public CompletableFuture<?> online() {
        return online;
    }

    public void online(CompletableFuture<?> f) {
        this.online = f;
    }

    /** Completes after the closed session left its rooms and its resumable snapshot was saved. */
    public CompletableFuture<Void> cleanedUp() {
        return cleanedUp;
    }

    public boolean isClosed() {
        return closed;
    }

    public void markClosed() {
        closed = true;
        cancelAuthTimeout();
    }

    /** Sends a reply, error or push to this connection (thread-safe, non-blocking, bounded). */
    public boolean send(Outbound frame) {
        return transport.send(frame);
    }

    /**
     * Delivers a channel push: buffered if the session is joining or recovering that channel,
     * otherwise sent straight away. Called from broker threads.
     */
    public void deliver(String channel, long offset, Outbound.Push push) {
        Map<String, RecoveryBuffer> rec = recovering;
        if (rec != null && !rec.isEmpty()) {
            RecoveryBuffer b = rec.get(channel);
            if (b != null && b.offer(offset, push)) return;
        }
        DeliveredPositions d = delivered;
        if (d != null) {
            synchronized (d) { // record and send as one step against replyWithDelivered
                d.record(channel, offset);
                transport.send(push);
            }
            return;
        }
        transport.send(push);
    }

    /**
     * Starts recording the highest offset delivered per channel, for a reply that must report positions
     * no lower than what the client received before it ({@code session:resume}). Ended by
     * {@link #replyWithDelivered} or {@link #unwatchDelivered}. Session's executor.
     */
    public void watchDelivered() {
        delivered = new DeliveredPositions();
    }

    /** Ends the recording without a reply (the resume failed). */
    public void unwatchDelivered() {
        delivered = null;
    }

    /**
     * Builds a frame from the highest offset delivered per channel ({@code last.applyAsLong(channel)}, 0
     * if none) and sends it (if not null), atomically with deliveries: no push reaches the client between
     * the reading and the frame. Ends the recording. Session's executor.
     */
    public void replyWithDelivered(java.util.function.Function<java.util.function.ToLongFunction<String>, Outbound> build) {
        DeliveredPositions d = delivered;
        if (d == null) {
            Outbound frame = build.apply(channel -> 0);
            if (frame != null) transport.send(frame);
            return;
        }
        synchronized (d) {
            Outbound frame = build.apply(d::last);
            if (frame != null) transport.send(frame);
            delivered = null;
        }
    }

    /** Starts buffering live deliveries of {@code channel} (before subscribing to it). */
    public void beginBuffering(String channel, int limit) {
        Map<String, RecoveryBuffer> rec = recovering;
        if (rec == null) recovering = rec = new ConcurrentHashMap<>(2);
        rec.put(channel, new RecoveryBuffer(limit));
    }

    /** See {@link RecoveryBuffer#finish}; returns false on overflow. Missing buffer: sends directly. */
    public boolean finishBuffering(String channel, List<Outbound.Push> before, long lastBeforeOffset, Outbound reply, long floor) {
        Map<String, RecoveryBuffer> rec = recovering;
        RecoveryBuffer b = rec == null ? null : rec.get(channel);
        if (b == null) {
            before.forEach(transport::send);
            if (reply != null) transport.send(reply);
            recordDelivered(channel, before.isEmpty() ? 0 : lastBeforeOffset);
            return true;
        }
        boolean ok = b.finish(this, before, lastBeforeOffset, reply, floor);
        rec.remove(channel, b);
        recordDelivered(channel, b.lastSent());
        return ok;
    }

    /** Replayed and buffered pushes were sent on this executor: the reply, sent later here, comes after them. */
    private void recordDelivered(String channel, long offset) {
        DeliveredPositions d = delivered;
        if (d != null) {
            synchronized (d) {
                d.record(channel, offset);
            }
        }
    }

    public void cancelBuffering(String channel) {
        Map<String, RecoveryBuffer> rec = recovering;
        RecoveryBuffer b = rec == null ? null : rec.remove(channel);
        if (b != null) b.cancel();
    }

    // ---- executor-confined accessors (package-private mutation, public read-only views) ----

    public Map<String, Long> rooms() {
        return rooms == null ? Map.of() : Collections.unmodifiableMap(rooms);
    }

    public boolean inRoom(String room) {
        return rooms != null && rooms.containsKey(room);
    }

    public void addRoom(String room, long joinedAt) {
        if (rooms == null) rooms = new LinkedHashMap<>();
        rooms.put(room, joinedAt);
    }

    public void removeRoom(String room) {
        if (rooms != null) rooms.remove(room);
    }

    public Set<String> topics() {
        return topics == null ? Set.of() : Collections.unmodifiableSet(topics);
    }

    public boolean addTopic(String topic) {
        if (topics == null) topics = new LinkedHashSet<>();
        return topics.add(topic);
    }

    public boolean removeTopic(String topic) {
        return topics != null && topics.remove(topic);
    }

    public Set<String> watched() {
        return watched == null ? Set.of() : Collections.unmodifiableSet(watched);
    }

    public boolean watch(String userId) {
        if (watched == null) watched = new LinkedHashSet<>();
        return watched.add(userId);
    }

    public boolean unwatch(String userId) {
        return watched != null && watched.remove(userId);
    }

    public String status() {
        return status;
    }

    public JsonNode custom() {
        return custom;
    }

    public void setStatus(String status, JsonNode custom) {
        this.status = status;
        this.custom = custom;
    }

    /** The bucket every client frame of this connection is charged to, or null for none. */
    public TokenBucket frameLimit() {
        return frameLimit;
    }

    /** Sets the frame-rate limit (the node does, when the connection opens). */
    public void frameLimit(TokenBucket bucket) {
        this.frameLimit = bucket;
    }

    /** Counts consecutive rate-limited frames (to detect a sustained flood); reset by an accepted frame. */
    public int rateLimited(boolean limited) {
        rateLimitedInRow = limited ? rateLimitedInRow + 1 : 0;
        return rateLimitedInRow;
    }
}
