package io.hubbub.core.limit;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.function.LongSupplier;

/**
 * A token bucket: holds at most {@code burst} tokens, refilled at {@code ratePerSecond}, starting full.
 * A caller takes tokens with {@link #tryAcquire()}; when too few are left it is refused (never blocked).
 *
 * <p>Implemented as the equivalent "theoretical arrival time" form: one atomic long field holds the
 * clock time at which the bucket will be full again, and an acquisition moves it forward by one
 * emission interval per token with a compare-and-set. Lock-free and allocation-free; safe for
 * concurrent use from any thread, and concurrent callers never get more than the bucket allows.
 * Time comes from a nanosecond clock ({@link System#nanoTime()} by default).
 */
public final class TokenBucket {
    private final LongSupplier clock;
    /** Nanoseconds to refill one token, rounded (an error below 1 ns per token). */
    private final long intervalNanos;
    private final long burstNanos;
    private final int burst;
    /** Clock time when the bucket is full again; at or before now means full. Updated through {@link #FULL_AT}. */
    private volatile long fullAt;
    // a field, not an AtomicLong: two buckets per connection, so the 24 B of a separate object count (issue 14)
    private static final VarHandle FULL_AT;

    static {
        try {
            FULL_AT = MethodHandles.lookup().findVarHandle(TokenBucket.class, "fullAt", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    public TokenBucket(double ratePerSecond, int burst) {
        this(ratePerSecond, burst, System::nanoTime);
    }

    /** @param clock nanosecond clock, monotonic (tests pass a manual one) */
    public TokenBucket(double ratePerSecond, int burst, LongSupplier clock) {
        if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
            throw new IllegalArgumentException("ratePerSecond must be positive and finite");
        }
        if (burst < 1) throw new IllegalArgumentException("burst must be >= 1");
        this.clock = clock;
        this.burst = burst;
        this.intervalNanos = Math.max(1, Math.round(Math.min(1e9 / ratePerSecond, Long.MAX_VALUE / 4.0)));
        this.burstNanos = intervalNanos > (Long.MAX_VALUE / 4) / burst ? Long.MAX_VALUE / 4 : intervalNanos * burst;
        this.fullAt = clock.getAsLong();
    }

    public boolean tryAcquire() {
        return tryAcquire(1);
    }

    /** Takes {@code permits} tokens if all are available; otherwise takes none and returns false. */
    public boolean tryAcquire(int permits) {
        if (permits < 1) throw new IllegalArgumentException("permits must be >= 1");
        if (permits > burst) return false;
        long cost = permits == burst ? burstNanos : intervalNanos * permits;
        while (true) {
            long now = clock.getAsLong();
            long current = fullAt;
            long base = current - now > 0 ? current : now;
            long next = base + cost;
            if (next - now > burstNanos) return false;
            if (FULL_AT.compareAndSet(this, current, next)) return true;
        }
    }

    /** Whole tokens available now (a snapshot; may change at once under concurrency). */
    public int available() {
        long debt = Math.max(0, fullAt - clock.getAsLong());
        return (int) Math.min(burst, Math.max(0, (burstNanos - debt) / intervalNanos));
    }

    public int burst() {
        return burst;
    }
}
