package io.hubbub.server.config;

import io.hubbub.core.config.Doc;
import io.hubbub.core.config.Durations;
import io.hubbub.core.config.Checks;

import java.time.Duration;

/** Room lifecycle and history defaults. */
public record RoomsConfig(
        @Doc("An empty ephemeral room is removed after this grace period.") Duration emptyGrace,
        @Doc("A room with no activity for this long becomes idle.") Duration idleAfter,
        @Doc("A room with no activity for this long is closed; 0 never closes inactive rooms.") Duration closeInactiveAfter,
        @Doc("Messages kept in a room's history when the room does not set its own size.") int defaultHistorySize,
        @Doc("Age after which history messages expire when the room does not set its own.") Duration defaultHistoryTtl,
        @Doc("Upper bound for any room's history size.") int maxHistorySize) {

    public static RoomsConfig defaults() {
        return new RoomsConfig(Duration.ofSeconds(30), Duration.ofMinutes(5), Duration.ofHours(3), 100, Duration.ofHours(24), 10_000);
    }

    void validate(Checks c) {
        c.notNegative("rooms.emptyGrace", emptyGrace);
        c.positive("rooms.idleAfter", idleAfter);
        c.notNegative("rooms.closeInactiveAfter", closeInactiveAfter);
        if (!closeInactiveAfter.isZero() && closeInactiveAfter.compareTo(idleAfter) < 0)
            c.fail("rooms.closeInactiveAfter", "must be 0 or at least rooms.idleAfter (" + Durations.format(idleAfter) + "), got "
                    + Durations.format(closeInactiveAfter));
        c.range("rooms.maxHistorySize", maxHistorySize, 0, 1_000_000);
        c.range("rooms.defaultHistorySize", defaultHistorySize, 0, maxHistorySize);
        c.notNegative("rooms.defaultHistoryTtl", defaultHistoryTtl);
    }
}
