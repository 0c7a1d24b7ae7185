package io.hubbub.core.telemetry;

import io.hubbub.core.protocol.ErrorCode;

/**
 * What the core reports to metrics. The server implements it with Micrometer; the default does
 * nothing. Called on hot paths: implementations must be cheap and non-blocking.
 */
public interface Telemetry {
    Telemetry NONE = new Telemetry() {};

    default void frameIn(String type) {}

    default void error(ErrorCode code) {}

    /** A limit refused something: connections, per_user, per_ip, connect_rate, frames, rooms_per_connection, room_capacity, memory. */
    default void limitHit(String limit) {}

    default void handled(String type, long nanos) {}

    default void published(String channelKind) {}
}
