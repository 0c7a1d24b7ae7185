package io.hubbub.core.engine;

import java.util.concurrent.CompletableFuture;

/**
 * The set of engine parts one node runs on: all in-memory (single node) or all Redis (cluster).
 * Selected by configuration ({@code engine: memory | redis}).
 */
public interface Engine extends AutoCloseable {
    String name();

    Broker broker();

    PresenceManager presence();

    NodeRegistry nodes();

    SessionStore sessions();

    /** Non-persistent rooms, visible to every node. */
    RoomDirectory rooms();

    /** Small per-room state (hash and sorted sets) that survives the node serving the room. */
    RoomStateStore roomState();

    /** Named leases with fencing tokens (one active holder of a role in the cluster). */
    Leases leases();

    /** Named sorted sets (live rankings whose durable record is kept elsewhere). */
    SortedSets sortedSets();

    /** Completes normally if the engine's backing service is reachable (for /ready). */
    CompletableFuture<Void> ping();

    @Override
    void close();
}
