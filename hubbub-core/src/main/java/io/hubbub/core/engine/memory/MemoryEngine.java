package io.hubbub.core.engine.memory;

import io.hubbub.core.engine.Engine;
import io.hubbub.core.engine.RoomStateStore;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The in-memory {@link Engine} ({@code engine: memory}) for a single node. One daemon thread
 * ({@code hubbub-memory-sweeper}) sweeps expired streams, nodes and sessions every
 * {@link Settings#sweepInterval}; {@link #close} stops it and closes the parts. {@link #ping} always
 * succeeds: there is no backing service to lose.
 *
 * <p>Threading: all methods may be called from any thread concurrently; see each part's guarantees.
 */
public final class MemoryEngine implements Engine {
    private static final Logger log = LoggerFactory.getLogger(MemoryEngine.class);

    /**
     * @param sweepInterval     how often expired entries are removed
     * @param defaultStreamTtl  lifetime of an idle history stream when the publisher gives none
     * @param lastSeenCapacity  most users whose last-seen time is kept
     * @param sessionCapacity   most resumable sessions kept at once
     * @param stateLimits       bounds of each room's state
     * @param maxHistoryBytes   bound of all history on the node in estimated bytes (0 = unbounded); see {@link MemoryBroker}
     */
    public record Settings(Duration sweepInterval, Duration defaultStreamTtl, int lastSeenCapacity, int sessionCapacity,
                           RoomStateStore.Limits stateLimits, long maxHistoryBytes) {
        /** A quarter of the max heap: the estimate counts JSON bytes, the heap holds about twice that. */
        public static final long DEFAULT_MAX_HISTORY_BYTES = Runtime.getRuntime().maxMemory() / 4;
        public static final Settings DEFAULTS = new Settings(Duration.ofSeconds(1), MemoryBroker.DEFAULT_STREAM_TTL,
                MemoryPresenceManager.DEFAULT_LAST_SEEN_CAPACITY, MemorySessionStore.DEFAULT_CAPACITY, RoomStateStore.Limits.DEFAULTS,
                DEFAULT_MAX_HISTORY_BYTES);

        public Settings(Duration sweepInterval, Duration defaultStreamTtl, int lastSeenCapacity, int sessionCapacity,
                        RoomStateStore.Limits stateLimits) {
            this(sweepInterval, defaultStreamTtl, lastSeenCapacity, sessionCapacity, stateLimits, DEFAULT_MAX_HISTORY_BYTES);
        }

        public Settings(Duration sweepInterval, Duration defaultStreamTtl, int lastSeenCapacity, int sessionCapacity) {
            this(sweepInterval, defaultStreamTtl, lastSeenCapacity, sessionCapacity, RoomStateStore.Limits.DEFAULTS);
        }

        public Settings {
            if (sweepInterval == null || sweepInterval.toMillis() < 1) throw new IllegalArgumentException("sweepInterval must be >= 1 ms");
            if (stateLimits == null) stateLimits = RoomStateStore.Limits.DEFAULTS;
            if (maxHistoryBytes < 0) throw new IllegalArgumentException("maxHistoryBytes must be >= 0");
        }
    }

    private final MemoryBroker broker;
    private final MemoryPresenceManager presence;
    private final MemoryNodeRegistry nodes = new MemoryNodeRegistry();
    private final MemorySessionStore sessions;
    private final MemoryRoomDirectory rooms = new MemoryRoomDirectory();
    private final MemoryRoomStateStore roomState;
    private final MemoryLeases leases = new MemoryLeases();
    private final MemorySortedSets sortedSets = new MemorySortedSets();
    private final ScheduledExecutorService sweeper;

    public MemoryEngine() {
        this(Settings.DEFAULTS);
    }

    public MemoryEngine(Settings settings) {
        broker = new MemoryBroker(settings.defaultStreamTtl(), settings.maxHistoryBytes());
        presence = new MemoryPresenceManager(settings.lastSeenCapacity());
        sessions = new MemorySessionStore(settings.sessionCapacity());
        roomState = new MemoryRoomStateStore(settings.stateLimits());
        sweeper = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("hubbub-memory-sweeper").factory());
        long every = settings.sweepInterval().toMillis();
        sweeper.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
    }

    private void sweep() {
        try {
            broker.sweep();
            nodes.sweep();
            sessions.sweep();
            rooms.sweep();
            roomState.sweep();
        } catch (RuntimeException e) {
            log.warn("memory engine sweep failed", e);
        }
    }

    @Override
    public String name() {
        return "memory";
    }

    @Override
    public MemoryBroker broker() {
        return broker;
    }

    @Override
    public MemoryPresenceManager presence() {
        return presence;
    }

    @Override
    public MemoryNodeRegistry nodes() {
        return nodes;
    }

    @Override
    public MemorySessionStore sessions() {
        return sessions;
    }

    @Override
    public MemoryRoomDirectory rooms() {
        return rooms;
    }

    @Override
    public MemoryRoomStateStore roomState() {
        return roomState;
    }

    @Override
    public MemoryLeases leases() {
        return leases;
    }

    @Override
    public MemorySortedSets sortedSets() {
        return sortedSets;
    }

    @Override
    public CompletableFuture<Void> ping() {
        return CompletableFuture.completedFuture(null);
    }

    boolean sweeperStopped() {
        return sweeper.isTerminated();
    }

    /** Stops the sweeper (waiting briefly for a running sweep) and closes every part. Idempotent. */
    @Override
    public void close() {
        sweeper.shutdownNow();
        try {
            sweeper.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        broker.close();
        presence.close();
        nodes.close();
        sessions.close();
        rooms.close();
        roomState.close();
    }
}
