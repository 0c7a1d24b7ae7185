package io.hubbub.core.room;

import io.hubbub.core.config.CoreSettings;
import io.hubbub.core.engine.RoomDirectory;
import io.hubbub.core.engine.RoomEntry;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.store.RoomRecord;
import io.hubbub.core.store.RoomRepository;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Executor;

/**
 * Where a room this node does not hold yet comes from: the room directory (a non-persistent room,
 * created on any node) or else the database (a persistent room, closed ones excluded). A room found
 * there is then held and run on this node too — one instance per id (the first to be put wins), and a
 * directory room is watched by the {@link RoomSweeper}. Directory lookups are asynchronous; repository
 * calls run on the blocking executor, except {@link #loadPersistent} (startup, blocking).
 */
final class RoomLoader {
    private final ConcurrentMap<String, Room> rooms;
    private final CoreSettings settings;
    private final RoomDirectory directory;
    private final RoomRepository repository; // null: no persistence
    private final Executor blocking;
    private final RoomSweeper sweeper;

    RoomLoader(ConcurrentMap<String, Room> rooms, CoreSettings settings, RoomDirectory directory, RoomRepository repository,
               Executor blocking, RoomSweeper sweeper) {
        this.rooms = rooms;
        this.settings = settings;
        this.directory = directory;
        this.repository = repository;
        this.blocking = blocking;
        this.sweeper = sweeper;
    }

    /** The room from memory, else from the directory, else from the database; empty if none has it. */
    CompletableFuture<Optional<Room>> find(String id) {
        Room r = rooms.get(id);
        if (r != null) return CompletableFuture.completedFuture(Optional.of(r));
        return directory.get(id).thenCompose(entry -> {
            if (entry.isPresent()) {
                Room known = rooms.computeIfAbsent(id, k -> fromEntry(entry.get()));
                sweeper.registered(id, System.currentTimeMillis());
                return CompletableFuture.completedFuture(Optional.of(known));
            }
            if (repository == null) return CompletableFuture.completedFuture(Optional.<Room>empty());
            return CompletableFuture.supplyAsync(() -> repository.find(id), blocking).thenApply(rec -> rec
                    .filter(x -> !x.closed())
                    .map(x -> rooms.computeIfAbsent(x.id(), k -> fromRecord(x))));
        });
    }

    /** Loads the open persistent rooms (blocking; at startup); returns how many. */
    int loadPersistent() {
        if (repository == null) return 0;
        int n = 0;
        for (RoomRecord rec : repository.listOpen()) {
            Room room = fromRecord(rec);
            if (rec.settings().visibility() == Visibility.PRIVATE) room.invited(repository.members(rec.id()));
            rooms.putIfAbsent(rec.id(), room);
            n++;
        }
        return n;
    }

    /** The settings of a new room with nothing given: the configured history size and TTL. */
    static RoomSettings defaults(CoreSettings s, String name) {
        return RoomSettings.defaults(name, s.defaultHistorySize(), s.defaultHistoryTtl().toSeconds());
    }

    /** The TTL of room directory entries: the empty-room grace, at least three sweeps. */
    static Duration directoryTtl(CoreSettings s) {
        Duration min = s.sweepInterval().multipliedBy(3);
        return s.emptyRoomGrace().compareTo(min) < 0 ? min : s.emptyRoomGrace();
    }

    /** The room's directory entry (what another node needs to run it). */
    static RoomEntry entry(Room room) {
        return new RoomEntry(room.id(), RoomJson.settings(room.settings()).toString(), room.createdBy(), room.createdAt(), room.hostId());
    }

    private Room fromEntry(RoomEntry e) {
        RoomSettings s;
        try {
            s = RoomJson.parse(Json.MAPPER.readTree(e.settings()), defaults(settings, "room"), settings.maxHistorySize(), true);
        } catch (java.io.IOException x) {
            throw new IllegalStateException("bad room directory entry for " + e.id(), x);
        }
        Room room = new Room(e.id(), s, e.createdBy(), e.createdAt());
        if (e.host() != null) room.host(e.host(), e.host()); // the name comes with the host's first join here
        return room; // find() marks it registered with the sweeper
    }

    private static Room fromRecord(RoomRecord rec) {
        return new Room(rec.id(), rec.settings(), rec.createdBy(), rec.createdAt());
    }
}
