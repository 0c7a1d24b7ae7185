package io.hubbub.server.config;

import io.hubbub.core.config.Doc;
import io.hubbub.core.config.Checks;

import java.time.Duration;

/** Presence and ephemeral signals. */
public record PresenceConfig(
        @Doc("typing:start expires by itself after this long without typing:stop.") Duration typingTimeout) {

    public static PresenceConfig defaults() {
        return new PresenceConfig(Duration.ofSeconds(5));
    }

    void validate(Checks c) {
        c.positive("presence.typingTimeout", typingTimeout);
    }
}
