package io.hubbub.core.room;

import io.hubbub.core.api.RoomListener;
import io.hubbub.core.config.CoreSettings;
import io.hubbub.core.engine.Broker;
import io.hubbub.core.engine.Channels;
import io.hubbub.core.engine.RoomDirectory;
import io.hubbub.core.presence.PresenceService;
import io.hubbub.core.state.RoomStateService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;

/**
 * The lifecycle rules of this node's rooms, run by the node's periodic sweep: empty ephemeral rooms are
 * dropped after the grace period, inactive ones closed, quiet ones marked idle; directory entries of
 * rooms with local members are refreshed; and a room dropped here is cleaned up (history, state) only
 * once it has ended in the whole cluster. Thread-safe: the maps are concurrent, each step idempotent.
 */
final class RoomSweeper {
    private static final Logger log = LoggerFactory.getLogger(RoomService.class);
    static final int MAX_ORPHANS = 10_000;

    private final Map<String, Room> rooms;
    private final CoreSettings settings;
    private final RoomDirectory directory;
    private final Duration directoryTtl;
    private final PresenceService presence;
    private final Broker broker;
    private final RoomStateService state;
    private final List<RoomListener> listeners;
    private final BiConsumer<Room, String> closeRoom;
    /** Non-persistent room id → when this node last refreshed its directory entry. */
    private final ConcurrentHashMap<String, Long> refreshedAt = new ConcurrentHashMap<>();
    /** Rooms dropped here while maybe alive elsewhere: id → deadline (millis) for the end-of-room cleanup. */
    private final ConcurrentHashMap<String, Long> orphans = new ConcurrentHashMap<>();

    RoomSweeper(Map<String, Room> rooms, CoreSettings settings, RoomDirectory directory, Duration directoryTtl,
                PresenceService presence, Broker broker, RoomStateService state, List<RoomListener> listeners,
                BiConsumer<Room, String> closeRoom) {
        this.rooms = rooms;
        this.settings = settings;
        this.directory = directory;
        this.directoryTtl = directoryTtl;
        this.presence = presence;
        this.broker = broker;
        this.state = state;
        this.listeners = listeners;
        this.closeRoom = closeRoom;
    }

    /** The room is (again) known here with a fresh directory entry: it is no longer an orphan. */
    void registered(String id, long now) {
        refreshedAt.put(id, now);
        orphans.remove(id);
    }

    /** The room closed here: nothing to refresh. */
    void forget(String id) {
        refreshedAt.remove(id);
    }

    /**
     * One pass of the lifecycle rules: empty ephemeral rooms are removed after the grace period,
     * inactive rooms closed, quiet rooms marked idle. Called periodically by the node.
     */
    void sweep(long now) {
        for (Room room : rooms.values()) {
            if (room.state() == RoomState.CLOSED) continue;
            boolean empty = room.memberCount() == 0;
            if (!empty && !room.settings().persistent()) refreshEntry(room, now);
            if (empty && !room.settings().persistent() && now - room.emptySince() >= settings.emptyRoomGrace().toMillis()) {
                // Only this node's copy goes now; the room may still have members on other nodes.
                dropLocal(room, now, "empty");
            } else if (!room.settings().persistent() && now - room.lastActivity() >= settings.closeInactiveAfter().toMillis()) {
                // persistent rooms are kept (they only go idle): closing them would lose an app's chat
                closeRoom.accept(room, "inactive");
            } else if (room.state() == RoomState.ACTIVE && now - room.lastActivity() >= settings.idleAfter().toMillis()) {
                room.state(RoomState.IDLE);
            }
        }
    }

    /**
     * Drops this node's copy of an empty non-persistent room (listeners hear {@code onClosed} here) and
     * watches for the room's end in the whole cluster ({@link #sweepOrphans}).
     */
    private void dropLocal(Room room, long now, String reason) {
        if (!rooms.remove(room.id(), room)) return;
        room.state(RoomState.CLOSED);
        refreshedAt.remove(room.id());
        if (orphans.size() < MAX_ORPHANS) orphans.put(room.id(), now + 2 * directoryTtl.toMillis());
        for (RoomListener l : listeners) RoomService.safe(() -> l.onClosed(room, reason));
    }

    /** Restarts a room's directory entry TTL every third of it; re-registers the room if its entry vanished. */
    private void refreshEntry(Room room, long now) {
        Long last = refreshedAt.get(room.id());
        if (last != null && now - last < directoryTtl.toMillis() / 3) return;
        refreshedAt.put(room.id(), now);
        directory.refresh(room.id(), directoryTtl)
                .thenCompose(ok -> ok || room.state() == RoomState.CLOSED ? CompletableFuture.completedFuture(null)
                        : directory.put(RoomLoader.entry(room), directoryTtl))
                .whenComplete((v, e) -> {
                    if (e != null) {
                        refreshedAt.remove(room.id(), now);
                        log.debug("refreshing room {} in the directory failed: {}", room.id(), e.toString());
                    }
                });
    }

    /**
     * The end of a non-persistent room that emptied here: its history and state are removed only when
     * it is empty on every node (presence shows nobody) and its directory entry is gone (removed or
     * expired: no node refreshed it for a TTL). Checked once per sweep until then or until the deadline
     * (after which another node still running it does the cleanup, or the history's own TTL does).
     */
    void sweepOrphans(long now) {
        for (Map.Entry<String, Long> o : orphans.entrySet()) {
            String id = o.getKey();
            if (rooms.containsKey(id) || now > o.getValue()) {
                orphans.remove(id, o.getValue());
                continue;
            }
            directory.get(id).thenCompose(entry -> entry.isPresent()
                    ? CompletableFuture.completedFuture(false)
                    : presence.members(id).thenApply(m -> m == null || m.isEmpty())
            ).whenComplete((gone, e) -> {
                if (e != null || !gone || rooms.containsKey(id) || !orphans.remove(id, o.getValue())) return;
                broker.removeHistory(Channels.room(id));
                state.clear(id);
            });
        }
    }

    /** Non-persistent rooms this node dropped and still watches for their cluster-wide end. */
    int orphanCount() {
        return orphans.size();
    }

    /**
     * Memory pressure: drops this node's copy of every empty non-persistent room at once (as the sweep
     * would after the empty-room grace). Never closes a room that has members, nor a persistent room:
     * that would end conversations and lose their history for a pressure that may be transient (an
     * idle room with members costs little). Returns how many rooms were dropped.
     */
    int shedIdle() {
        int n = 0;
        long now = System.currentTimeMillis();
        for (Room room : rooms.values()) {
            if (room.memberCount() == 0 && !room.settings().persistent()) {
                dropLocal(room, now, "server under memory pressure"); // may have members on other nodes
                n++;
            }
        }
        return n;
    }
}
