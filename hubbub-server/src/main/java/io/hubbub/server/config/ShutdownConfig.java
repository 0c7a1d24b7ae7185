package io.hubbub.server.config;

import io.hubbub.core.config.Doc;
import io.hubbub.core.config.Checks;

import java.time.Duration;

/** Graceful shutdown on SIGTERM. */
public record ShutdownConfig(
        @Doc("Deadline for in-flight work after clients are told to reconnect; the process exits after it.") Duration drainTimeout,
        @Doc("Reconnect delay suggested to clients in the shutdown notice.") Duration reconnectDelay) {

    public static ShutdownConfig defaults() {
        return new ShutdownConfig(Duration.ofSeconds(20), Duration.ofSeconds(2));
    }

    void validate(Checks c) {
        c.positive("shutdown.drainTimeout", drainTimeout);
        c.notNegative("shutdown.reconnectDelay", reconnectDelay);
    }
}
