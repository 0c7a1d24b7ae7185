package io.hubbub.spaces;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.api.HubbubApi;
import io.hubbub.core.api.RoomListener;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.limit.TokenBucket;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.room.Room;
import io.hubbub.core.room.RoomSettings;
import io.hubbub.core.session.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * The spaces live on this node, and which space each session is in (one at a time).
 *
 * <p>Each space is also a core room {@code sp:<spaceId>}, <b>sticky</b>: in a cluster only its owner
 * node (rendezvous hashing) admits members, others answer {@code moved}, so all members of a space are
 * on one node and its movement never crosses nodes. Accepted positions are written (without
 * announcement) to the room's state in the engine once per tick, so the space's next owner (after a
 * {@code kill -9} of this one) restores everyone at a position that was accepted.
 */
final class SpaceRuntime {
    private static final Logger log = LoggerFactory.getLogger(SpaceRuntime.class);
    static final int MAX_LIVE_SPACES = 100_000;
    /** The close reason of a deleted space's room (other closes, e.g. an idle node copy, are not deletions). */
    static final String DELETED = "space deleted";

    private final HubbubApi api;
    private final SpaceStore store;
    private final SpacesSettings cfg;
    private final Executor blocking;
    private final Clock clock;
    private final ConcurrentHashMap<String, CompletableFuture<LiveSpace>> live = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, LiveSpace> bySession = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong elementReads = new java.util.concurrent.atomic.AtomicLong();

    SpaceRuntime(HubbubApi api, SpaceStore store, SpacesSettings cfg, Executor blocking, Clock clock) {
        this.api = api;
        this.store = store;
        this.cfg = cfg;
        this.blocking = blocking;
        this.clock = clock;
    }

    static String roomId(String spaceId) {
        return "sp:" + spaceId;
    }

    /** Joins {@code s} to a space: the core room first (cluster routing, presence), then the live space. */
    CompletableFuture<ObjectNode> join(Session s, String spaceId, boolean compact) {
        if (bySession.containsKey(s.id())) return CompletableFuture.failedFuture(new HubbubException(ErrorCode.CONFLICT, "already in a space; leave it first"));
        String room = roomId(spaceId);
        // The definition is read without loading the live space: a node that is not the space's owner
        // answers `moved` below and must not keep a live copy (its positions would go stale, and it
        // would be served if this node became the owner after a fail-over).
        return CompletableFuture.supplyAsync(() -> store.space(spaceId)
                        .orElseThrow(() -> HubbubException.notFound("no space '" + spaceId + "'")), blocking)
                .thenCompose(space -> ensureRoom(s, space))
                .thenCompose(v -> api.rooms().join(s, room, null, null, null, false)) // LiveSpace lists the avatars
                .thenCompose(r -> attach(s, spaceId, compact, 0));
    }

    private CompletableFuture<ObjectNode> attach(Session s, String spaceId, boolean compact, int attempt) {
        return load(spaceId).thenCompose(ls -> {
            ObjectNode reply = ls.join(s, new TokenBucket(cfg.movesPerSecond(), cfg.moveBurst()), compact);
            if (reply == null) { // closed between load and join: its last member just left
                flush(ls);
                CompletableFuture<LiveSpace> cur = live.get(spaceId);
                if (cur != null && cur.isDone() && !cur.isCompletedExceptionally() && cur.join() == ls) live.remove(spaceId, cur);
                if (attempt > 3) return CompletableFuture.failedFuture(HubbubException.unavailable("space is restarting; retry"));
                return attach(s, spaceId, compact, attempt + 1);
            }
            bySession.put(s.id(), ls);
            if (s.isClosed()) disconnected(s);
            return CompletableFuture.completedFuture(reply);
        });
    }

    /** Creates the sticky core room of a space if it does not exist yet (anywhere in the cluster). */
    private CompletableFuture<Void> ensureRoom(Session s, SpaceStore.Space space) {
        String room = roomId(space.id());
        return api.rooms().find(room).thenCompose(found -> {
            if (found.isPresent()) return CompletableFuture.<Void>completedFuture(null);
            RoomSettings rs = new RoomSettings(space.name().length() > 100 ? space.name().substring(0, 100) : space.name(),
                    0, null, null, 0, 0, true, false, null, false, true);
            return api.rooms().create(null, room, rs).handle((Room r, Throwable e) -> {
                if (e != null && HubbubException.from(e).code() != ErrorCode.CONFLICT) throw HubbubException.from(e);
                return null;
            });
        });
    }

    /** The live space, loading it (database, then positions from the engine) on first use. */
    CompletableFuture<LiveSpace> load(String spaceId) {
        CompletableFuture<LiveSpace> f = live.get(spaceId);
        if (f != null && !f.isCompletedExceptionally()) return f;
        if (live.size() >= MAX_LIVE_SPACES) return CompletableFuture.failedFuture(HubbubException.unavailable("too many live spaces on this node"));
        CompletableFuture<LiveSpace> fresh = CompletableFuture
                .supplyAsync(() -> store.space(spaceId).map(sp -> new Object[] {sp, store.spaceElements(spaceId)})
                        .orElseThrow(() -> HubbubException.notFound("no space '" + spaceId + "'")), blocking)
                .thenCompose(o -> api.rooms().state(roomId(spaceId)).entries().thenApply(state -> {
                    @SuppressWarnings("unchecked")
                    var elements = (java.util.List<SpaceStore.Placed>) o[1];
                    return new LiveSpace((SpaceStore.Space) o[0], elements, positions(state), cfg);
                }));
        CompletableFuture<LiveSpace> prev = f == null ? live.putIfAbsent(spaceId, fresh)
                : (live.replace(spaceId, f, fresh) ? null : live.get(spaceId));
        if (prev != null && prev != fresh) return prev;
        fresh.whenComplete((ls, e) -> {
            if (e != null) live.remove(spaceId, fresh); // unknown space or a failed load is not cached
        });
        return fresh;
    }

    /** Restored positions: {@code pos:<bucket>} → {@code {userId: [x, y]}}. */
    static Map<String, int[]> positions(ObjectNode state) {
        Map<String, int[]> out = new HashMap<>();
        state.properties().forEach(e -> {
            if (!e.getKey().startsWith("pos:") || !e.getValue().isObject()) return;
            e.getValue().properties().forEach(p -> {
                JsonNode v = p.getValue();
                if (v.isArray() && v.size() == 2 && v.get(0).isInt() && v.get(1).isInt())
                    out.put(p.getKey(), new int[] {v.get(0).intValue(), v.get(1).intValue()});
            });
        });
        return out;
    }

    /** The space {@code s} is in; {@code bad_request} if none, or if {@code spaceId} (when given) is another. */
    LiveSpace of(Session s, String spaceId) {
        LiveSpace ls = bySession.get(s.id());
        if (ls == null || !ls.has(s)) throw HubbubException.badRequest("join a space first");
        if (spaceId != null && !spaceId.equals(ls.id())) throw HubbubException.forbidden("not in space '" + spaceId + "'");
        return ls;
    }

    Optional<LiveSpace> current(Session s) {
        return Optional.ofNullable(bySession.get(s.id()));
    }

    /** Leaves the space (forgetting the position) and its core room. */
    CompletableFuture<Void> leave(Session s, String spaceId) {
        LiveSpace ls = of(s, spaceId);
        bySession.remove(s.id());
        ls.leave(s, true);
        return api.rooms().leave(s, roomId(ls.id()), true);
    }

    /** A session closed: it leaves its space, which keeps its last position (it may come back, e.g. after a fail-over). */
    void disconnected(Session s) {
        LiveSpace ls = bySession.remove(s.id());
        if (ls != null) ls.leave(s, false);
    }

    /**
     * The space was deleted (its rows are gone): its core room is closed, which every node hears
     * ({@link #listener}), so the node where the space is live tells its members {@code space:closed},
     * wherever the DELETE was served. Positions go with the room's state.
     */
    void deleted(String spaceId) {
        closeLocal(spaceId);
        api.rooms().close(null, roomId(spaceId), DELETED).whenComplete((v, e) -> api.roomState().clear(roomId(spaceId)));
    }

    private void closeLocal(String spaceId) {
        CompletableFuture<LiveSpace> f = live.remove(spaceId);
        if (f != null && f.isDone() && !f.isCompletedExceptionally()) {
            for (Session s : f.join().close()) bySession.remove(s.id()); // the room's close removes them from the core room
        }
    }

    /**
     * Placed elements changed (called from a route, on a blocking thread): a space live on this node
     * reloads them before the route answers; a room event {@code space:elements} goes to every node
     * (and to the members, who may re-read the space), and the node where the space is live reloads
     * them as it hears it (so in a cluster the change applies moments after the answer).
     */
    void elementsChanged(String spaceId) {
        CompletableFuture<LiveSpace> f = live.get(spaceId);
        if (f != null && f.isDone() && !f.isCompletedExceptionally()) {
            long seq = elementReads.incrementAndGet();
            f.join().elements(store.spaceElements(spaceId), seq);
        }
        api.messaging().roomEvent(roomId(spaceId), "space:elements", Json.object().put("spaceId", spaceId))
                .exceptionally(e -> null);
    }

    private void reloadElements(String spaceId) {
        CompletableFuture<LiveSpace> f = live.get(spaceId);
        if (f != null) f.thenAcceptAsync(ls -> {
            long seq = elementReads.incrementAndGet();
            ls.elements(store.spaceElements(spaceId), seq);
        }, blocking);
    }

    /** Hears, on every node, the close of a deleted space's room and element changes made on other nodes. */
    RoomListener listener() {
        return new RoomListener() {
            @Override
            public void onClosed(Room room, String reason) {
                if (DELETED.equals(reason) && room.id().startsWith("sp:")) closeLocal(room.id().substring(3));
            }

            @Override
            public void onEvent(Room room, String event, JsonNode data) {
                if (event.equals("space:elements") && room.id().startsWith("sp:")) reloadElements(room.id().substring(3));
            }
        };
    }

    /** One tick: batched movement out, dirty positions to the engine, empty spaces dropped. Non-blocking. */
    void tick() {
        for (Iterator<Map.Entry<String, CompletableFuture<LiveSpace>>> it = live.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            CompletableFuture<LiveSpace> f = e.getValue();
            if (!f.isDone() || f.isCompletedExceptionally()) continue;
            LiveSpace ls = f.join();
            try {
                flush(ls);
                if (ls.isClosed()) live.remove(e.getKey(), f);
            } catch (RuntimeException x) {
                log.warn("space {}: tick failed", ls.id(), x);
            }
        }
    }

    /** Sends batched movement and writes dirty position buckets to the room's state (asynchronously). */
    private void flush(LiveSpace ls) {
        Map<Integer, ObjectNode> dirty = ls.tick();
        var state = api.rooms().state(roomId(ls.id()));
        dirty.forEach((b, v) -> (v.isEmpty() ? state.remove(PositionLog.bucketKey(b)).thenApply(x -> (Void) null)
                : state.put(PositionLog.bucketKey(b), v)).exceptionally(x -> {
            log.warn("space {}: positions not saved: {}", ls.id(), x.getMessage());
            return null;
        }));
    }

    int liveCount() {
        return live.size();
    }

    long now() {
        return clock.millis();
    }
}
