package io.hubbub.server.config;

import io.hubbub.core.config.Doc;
import io.hubbub.core.config.Checks;

import java.time.Duration;

/** The memory watchdog: refuse new connections and shed idle rooms before the heap runs out. */
public record MemoryConfig(
        @Doc("Heap use (fraction of max heap, 0..1) above which new connections are refused and idle rooms shed.") double maxHeapFraction,
        @Doc("How often heap use is checked.") Duration checkInterval) {

    public static MemoryConfig defaults() {
        return new MemoryConfig(0.85, Duration.ofSeconds(5));
    }

    void validate(Checks c) {
        if (!(maxHeapFraction > 0.1 && maxHeapFraction <= 1.0))
            c.fail("memory.maxHeapFraction", "must be above 0.1 and at most 1.0, got " + maxHeapFraction);
        c.positive("memory.checkInterval", checkInterval);
    }
}
