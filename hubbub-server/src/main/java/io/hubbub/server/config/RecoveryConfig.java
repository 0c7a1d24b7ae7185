package io.hubbub.server.config;

import io.hubbub.core.config.Doc;
import io.hubbub.core.config.Durations;
import io.hubbub.core.config.Checks;

import java.time.Duration;

/** Session resume after a reconnect. */
public record RecoveryConfig(
        @Doc("A client reconnecting within this window gets its rooms and subscriptions back with its resume token.") Duration resumeWindow) {

    public static RecoveryConfig defaults() {
        return new RecoveryConfig(Duration.ofMinutes(2));
    }

    void validate(Checks c) {
        c.notNegative("recovery.resumeWindow", resumeWindow);
        c.require(resumeWindow.compareTo(Duration.ofHours(24)) <= 0, "recovery.resumeWindow",
                "must be at most 24h, got " + Durations.format(resumeWindow));
    }
}
