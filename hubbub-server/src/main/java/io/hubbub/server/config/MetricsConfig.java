package io.hubbub.server.config;

import io.hubbub.core.config.Doc;
import io.hubbub.core.config.Checks;

/** Prometheus metrics at GET /metrics. */
public record MetricsConfig(
        @Doc("Serve Prometheus metrics at GET /metrics.") boolean enabled) {

    public static MetricsConfig defaults() {
        return new MetricsConfig(true);
    }

    void validate(Checks c) {
        // nothing to check; kept for symmetry with the other sections
    }
}
