package io.hubbub.server.config;

import io.hubbub.core.config.Doc;
import io.hubbub.core.config.Durations;
import io.hubbub.core.config.Checks;

import java.time.Duration;

/** Server pings; connections that stop answering are closed and leave presence. */
public record HeartbeatConfig(
        @Doc("Time between server pings on an otherwise quiet connection.") Duration interval,
        @Doc("Close a connection that has answered nothing for this long; must exceed interval.") Duration timeout) {

    public static HeartbeatConfig defaults() {
        return new HeartbeatConfig(Duration.ofSeconds(25), Duration.ofSeconds(60));
    }

    void validate(Checks c) {
        c.positive("heartbeat.interval", interval);
        c.positive("heartbeat.timeout", timeout);
        c.require(timeout.compareTo(interval) > 0, "heartbeat.timeout",
                "must be longer than heartbeat.interval (" + Durations.format(interval) + "), got " + Durations.format(timeout));
    }
}
