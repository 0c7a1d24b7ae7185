package io.hubbub.client;

import java.time.Duration;
import java.util.Objects;

/**
 * Exponential backoff with full jitter: before reconnect attempt {@code n} (0-based, counted since
 * the last successful connection) the client waits a uniformly random time in
 * {@code [0, min(max, base · 2^n)]}. Slow-down close codes (4029, 4503) wait in the upper half of
 * a cap two doublings higher. {@code maxAttempts} 0 means unlimited.
 */
public record ReconnectPolicy(boolean enabled, Duration base, Duration max, int maxAttempts) {
    public static final Duration DEFAULT_BASE = Duration.ofMillis(250);
    public static final Duration DEFAULT_MAX = Duration.ofSeconds(10);

    public ReconnectPolicy {
        Objects.requireNonNull(base, "base");
        Objects.requireNonNull(max, "max");
        if (base.isNegative() || base.isZero()) {
            throw new IllegalArgumentException("base must be positive: " + base);
        }
        if (max.compareTo(base) < 0) {
            throw new IllegalArgumentException("max (" + max + ") must be >= base (" + base + ")");
        }
        if (maxAttempts < 0) {
            throw new IllegalArgumentException("maxAttempts must be >= 0: " + maxAttempts);
        }
    }

    /** base 250 ms, max 10 s, unlimited attempts. */
    public static ReconnectPolicy defaults() {
        return new ReconnectPolicy(true, DEFAULT_BASE, DEFAULT_MAX, 0);
    }

    public static ReconnectPolicy exponential(Duration base, Duration max) {
        return new ReconnectPolicy(true, base, max, 0);
    }

    /** Never reconnect: a dropped connection closes the client. */
    public static ReconnectPolicy disabled() {
        return new ReconnectPolicy(false, DEFAULT_BASE, DEFAULT_MAX, 0);
    }

    public ReconnectPolicy withMaxAttempts(int maxAttempts) {
        return new ReconnectPolicy(enabled, base, max, maxAttempts);
    }
}
