package io.hubbub.core.engine;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Cluster-wide directory of non-persistent rooms, so a room created on one node can be found, joined and
 * managed on every node. Entries expire after their TTL unless refreshed: every node that has local
 * members of a room refreshes its entry, so an entry outlives the room's last member anywhere by at
 * most one TTL, and a dead node's rooms disappear by themselves.
 *
 * <p>Threading: every method may be called from any thread; futures may complete on engine threads.
 */
public interface RoomDirectory extends AutoCloseable {

    /** Registers a new room; completes with false (and changes nothing) if the id is already taken. */
    CompletableFuture<Boolean> create(RoomEntry entry, Duration ttl);

    /** Replaces an entry (e.g. new settings) and restarts its TTL; creates it if absent. */
    CompletableFuture<Void> put(RoomEntry entry, Duration ttl);

    /** Restarts an entry's TTL; completes with false if there was no entry (expired or removed). */
    CompletableFuture<Boolean> refresh(String roomId, Duration ttl);

    CompletableFuture<Optional<RoomEntry>> get(String roomId);

    /** Removes an entry; completes with whether there was one. */
    CompletableFuture<Boolean> remove(String roomId);

    @Override
    default void close() {}
}
