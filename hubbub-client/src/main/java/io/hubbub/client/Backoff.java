package io.hubbub.client;

import java.util.OptionalLong;
import java.util.random.RandomGenerator;

/**
 * The reconnect delay sequence of a {@link ReconnectPolicy}. Thread-safe (synchronized): the attempt
 * counter is advanced by the reconnect scheduler and reset when a connection succeeds.
 */
final class Backoff {
    /** Slow-down codes behave as if this many more attempts had failed. */
    static final int SLOW_EXTRA_DOUBLINGS = 2;

    private final ReconnectPolicy policy;
    private final long baseMs;
    private final long maxMs;
    private final RandomGenerator random;
    private int attempt;

    Backoff(ReconnectPolicy policy, RandomGenerator random) {
        this.policy = policy;
        this.baseMs = policy.base().toMillis();
        this.maxMs = policy.max().toMillis();
        this.random = random;
    }

    /** The cap {@code min(max, base · 2^attempt)} without overflow. */
    long cap(int attempt) {
        if (attempt >= 62 || baseMs > (maxMs >> Math.min(attempt, 62))) {
            return maxMs;
        }
        return Math.min(maxMs, baseMs << attempt);
    }

    /** The delay before the next attempt, uniformly in [0, cap]; advances the attempt counter. */
    synchronized long nextDelayMs() {
        long cap = cap(attempt++);
        return random.nextLong(cap + 1);
    }

    /** The delay after a slow-down close code: uniformly in [cap/2, cap] of a cap two doublings higher. */
    synchronized long nextSlowDelayMs() {
        long cap = cap(attempt++ + SLOW_EXTRA_DOUBLINGS);
        return cap / 2 + random.nextLong(cap - cap / 2 + 1);
    }

    /**
     * After {@code server:shutdown}: the server's suggested delay plus a jitter uniform in
     * {@code [0, max(base, suggested)]}, so that all clients of a draining node do not arrive at once.
     */
    long shutdownDelayMs(long suggestedMs) {
        long s = Math.max(0, suggestedMs);
        long spread = Math.max(baseMs, Math.min(s, maxMs));
        return s + random.nextLong(spread + 1);
    }

    /**
     * The decision after a connection (or attempt) ended with {@code closeCode}: empty to stop (policy
     * disabled, a do-not-reconnect code, attempts exhausted), else the delay before the next attempt —
     * the pending {@code server:shutdown} delay when {@code shutdownDelayMs >= 0}, else the backoff
     * (the slow variant for 4029/4503).
     */
    synchronized OptionalLong next(int closeCode, long shutdownDelayMs) {
        if (!policy.enabled() || !CloseCodes.reconnectable(closeCode)
                || (policy.maxAttempts() > 0 && attempt >= policy.maxAttempts())) {
            return OptionalLong.empty();
        }
        if (shutdownDelayMs >= 0) {
            return OptionalLong.of(shutdownDelayMs);
        }
        return OptionalLong.of(CloseCodes.slow(closeCode) ? nextSlowDelayMs() : nextDelayMs());
    }

    /** Failed attempts since the last success. */
    synchronized int attempts() {
        return attempt;
    }

    /** A connection succeeded: the next drop starts again from {@code base}. */
    synchronized void reset() {
        attempt = 0;
    }
}
