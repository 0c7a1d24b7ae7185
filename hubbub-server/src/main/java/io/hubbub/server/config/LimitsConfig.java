package io.hubbub.server.config;

import io.hubbub.core.config.Doc;
import io.hubbub.core.config.ByteSize;
import io.hubbub.core.config.Checks;

/** Admission and rate limits. Exceeding one gives a clear error and a metric, never a crash. */
public record LimitsConfig(
        @Doc("Most concurrent connections on this node; beyond it new connections are refused.") int maxConnections,
        @Doc("Most concurrent connections of one user (tabs, devices).") int perUser,
        @Doc("Most concurrent connections from one IP address.") int perIp,
        @Doc("Connection attempts accepted per IP address per second.") int connectsPerIpPerSecond,
        @Doc("Sustained frames per second one connection may send (token bucket rate).") int framesPerSecond,
        @Doc("Frames one connection may send in a burst above the rate (token bucket size).") int frameBurst,
        @Doc("Most rooms one connection may be in at once.") int roomsPerConnection,
        @Doc("Capacity of a room that does not set its own.") int defaultRoomCapacity,
        @Doc("Outbound queue per connection, in frames; a client that stays over it is disconnected.") int outboundQueueFrames,
        @Doc("Outbound queue per connection, in bytes; ephemeral frames are dropped first when it fills.") ByteSize outboundQueueBytes,
        @Doc("Rooms one user may create per minute (also the burst), per node; over it: rate_limited. Admins and API keys are exempt; 0 turns it off.") int roomCreatesPerUserPerMinute,
        @Doc("Open persistent rooms one user may have created, counted in the database (cluster-wide); over it: limit_exceeded. Admins and API keys are exempt; 0 turns it off.") int persistentRoomsPerUser,
        @Doc("File descriptors kept free below the process limit (read from the OS): with fewer left, new connections of every "
                + "transport are refused (unavailable, metric hubbub_limit_hits{limit=\"descriptors\"}, a rate-limited warning); with "
                + "fewer than half left, accepted sockets are closed at once. Keeps /health, /ready, /metrics and the database "
                + "working under a connection flood. 0 disables.") int fileDescriptorReserve) {

    public static LimitsConfig defaults() {
        return new LimitsConfig(100_000, 20, 1000, 20, 50, 100, 100, 10_000, 1024, ByteSize.ofMiB(4), 30, 100, 256);
    }

    void validate(Checks c) {
        c.atLeast("limits.maxConnections", maxConnections, 1);
        c.range("limits.perUser", perUser, 1, maxConnections);
        c.range("limits.perIp", perIp, 1, maxConnections);
        c.atLeast("limits.connectsPerIpPerSecond", connectsPerIpPerSecond, 1);
        c.atLeast("limits.framesPerSecond", framesPerSecond, 1);
        c.atLeast("limits.frameBurst", frameBurst, framesPerSecond);
        c.atLeast("limits.roomsPerConnection", roomsPerConnection, 1);
        c.atLeast("limits.defaultRoomCapacity", defaultRoomCapacity, 1);
        c.range("limits.outboundQueueFrames", outboundQueueFrames, 1, 1_000_000);
        c.range("limits.roomCreatesPerUserPerMinute", roomCreatesPerUserPerMinute, 0, 1_000_000);
        c.range("limits.persistentRoomsPerUser", persistentRoomsPerUser, 0, 1_000_000);
        c.atLeast("limits.fileDescriptorReserve", fileDescriptorReserve, 0);
    }
}
