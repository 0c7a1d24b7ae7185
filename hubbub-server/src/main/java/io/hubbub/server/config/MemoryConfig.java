package io.hubbub.server.config;

import io.hubbub.core.config.Doc;
import io.hubbub.core.config.Checks;

import java.time.Duration;

/** The memory watchdog: refuse new connections and drop empty rooms before the live heap runs out. */
public record MemoryConfig(
        @Doc("Live heap (after the last garbage collection, fraction of max heap, 0..1) above which new connections are refused, /ready answers 503 and empty rooms are dropped; rooms with members are never closed.") double maxHeapFraction,
        @Doc("How often heap use is checked.") Duration checkInterval) {

    public static MemoryConfig defaults() {
        return new MemoryConfig(0.85, Duration.ofSeconds(5));
    }

    void validate(Checks c) {
        // any value above 0 is allowed (a tiny one forces the refusing state, e.g. in tests); 0.7..0.9 is sensible
        if (!(maxHeapFraction > 0 && maxHeapFraction <= 1.0))
            c.fail("memory.maxHeapFraction", "must be above 0 and at most 1.0, got " + maxHeapFraction);
        c.positive("memory.checkInterval", checkInterval);
    }
}
