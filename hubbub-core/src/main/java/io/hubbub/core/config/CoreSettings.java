package io.hubbub.core.config;

import java.time.Duration;

/**
 * The settings the pure core needs, derived by the server from its configuration tree
 * (docs for each value live there, in io.hubbub.server.config).
 */
public record CoreSettings(
        String nodeId,
        int maxConnections,
        int maxConnectionsPerUser,
        int roomsPerConnection,
        int defaultRoomCapacity,
        double framesPerSecond,
        int frameBurst,
        int floodCloseAfter,
        int defaultHistorySize,
        Duration defaultHistoryTtl,
        int maxHistorySize,
        Duration emptyRoomGrace,
        Duration idleAfter,
        Duration closeInactiveAfter,
        Duration typingTimeout,
        Duration resumeWindow,
        Duration authTimeout,
        boolean allowGuests,
        int recoveryBufferLimit,
        Duration sweepInterval,
        long historyMaxBytesPerRoom,
        int maxUserHistorySize) {

    /** Without the history byte bounds: 8 MiB per room, non-admins up to 1,000 messages per room. */
    public CoreSettings(String nodeId, int maxConnections, int maxConnectionsPerUser, int roomsPerConnection,
                        int defaultRoomCapacity, double framesPerSecond, int frameBurst, int floodCloseAfter,
                        int defaultHistorySize, Duration defaultHistoryTtl, int maxHistorySize, Duration emptyRoomGrace,
                        Duration idleAfter, Duration closeInactiveAfter, Duration typingTimeout, Duration resumeWindow,
                        Duration authTimeout, boolean allowGuests, int recoveryBufferLimit, Duration sweepInterval) {
        this(nodeId, maxConnections, maxConnectionsPerUser, roomsPerConnection, defaultRoomCapacity, framesPerSecond,
                frameBurst, floodCloseAfter, defaultHistorySize, defaultHistoryTtl, maxHistorySize, emptyRoomGrace, idleAfter,
                closeInactiveAfter, typingTimeout, resumeWindow, authTimeout, allowGuests, recoveryBufferLimit, sweepInterval,
                8L << 20, 1_000);
    }

    /** The largest historySize this principal may give a room: admins up to maxHistorySize, others up to maxUserHistorySize. */
    public int maxHistorySizeFor(boolean admin) {
        return admin ? maxHistorySize : Math.min(maxHistorySize, maxUserHistorySize);
    }

    /** Defaults used by tests and embedders that do not load a configuration file. */
    public static CoreSettings defaults(String nodeId) {
        return new CoreSettings(nodeId, 100_000, 20, 100, 10_000, 50, 100, 200,
                100, Duration.ofHours(24), 10_000, Duration.ofSeconds(30), Duration.ofMinutes(5),
                Duration.ofHours(3), Duration.ofSeconds(5), Duration.ofMinutes(2), Duration.ofSeconds(5),
                false, 10_000, Duration.ofSeconds(1));
    }

    public CoreSettings withAllowGuests(boolean allow) {
        return new CoreSettings(nodeId, maxConnections, maxConnectionsPerUser, roomsPerConnection, defaultRoomCapacity,
                framesPerSecond, frameBurst, floodCloseAfter, defaultHistorySize, defaultHistoryTtl, maxHistorySize,
                emptyRoomGrace, idleAfter, closeInactiveAfter, typingTimeout, resumeWindow, authTimeout, allow,
                recoveryBufferLimit, sweepInterval, historyMaxBytesPerRoom, maxUserHistorySize);
    }
}
