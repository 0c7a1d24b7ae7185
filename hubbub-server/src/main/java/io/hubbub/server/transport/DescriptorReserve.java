package io.hubbub.server.transport;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Keeps a reserve of file descriptors below the process limit so that the operations endpoints
 * ({@code /health}, {@code /ready}, {@code /metrics}) and the process itself (database, logs) keep
 * working when clients open connections faster than they close them.
 *
 * <p>Two thresholds, from the OS limit {@code max} and the configured {@code reserve}:
 * <ul>
 *   <li>{@link #sessionsRefused()}: fewer than {@code reserve} descriptors left — new connections
 *       (native WebSocket upgrades, Engine.IO handshakes) are refused by the {@link ConnectionLimiter};
 *       plain HTTP requests are still served.</li>
 *   <li>{@link #acceptRefused()}: fewer than {@code reserve / 2} left — newly accepted sockets are
 *       closed at once (even HTTP), so the last half of the reserve stays with the process.</li>
 * </ul>
 * The OS count ({@code /proc/self/fd} on Linux) costs a directory listing, so it is read at most every
 * {@link #REFRESH_NANOS} and estimated in between from the sockets accepted and closed since (an
 * upper bound: other descriptors rarely change quickly). Where the OS does not report descriptors
 * (not a Unix JVM) or the reserve is 0, nothing is refused. Thread-safe, non-blocking.
 */
public final class DescriptorReserve {
    private static final Logger log = LoggerFactory.getLogger(DescriptorReserve.class);
    static final long REFRESH_NANOS = 100_000_000L;
    private static final long LOG_EVERY_NANOS = 10_000_000_000L;

    private final long reserve;
    private final com.sun.management.UnixOperatingSystemMXBean os;
    private final AtomicLong openAtRead = new AtomicLong();
    private final AtomicLong socketsAtRead = new AtomicLong();
    private final AtomicLong readAt = new AtomicLong(Long.MIN_VALUE / 2);
    private final AtomicBoolean reading = new AtomicBoolean();
    private final AtomicLong sockets = new AtomicLong(); // accepted and still open
    private final AtomicLong lastLog = new AtomicLong(Long.MIN_VALUE / 2);
    private final LongAdder refusals = new LongAdder();

    public DescriptorReserve(long reserve) {
        this.reserve = reserve;
        this.os = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean u ? u : null;
    }

    /** A reserve that never refuses (embedding, tests of other parts). */
    public static DescriptorReserve none() {
        return new DescriptorReserve(0);
    }

    /** The process limit, or -1 where unknown. */
    public long max() {
        return os == null ? -1 : os.getMaxFileDescriptorCount();
    }

    /** Open descriptors (estimated between OS reads), or -1 where unknown. */
    public long open() {
        if (os == null) return -1;
        long now = System.nanoTime();
        if (now - readAt.get() > REFRESH_NANOS && reading.compareAndSet(false, true)) {
            try {
                long s = sockets.get();
                openAtRead.set(os.getOpenFileDescriptorCount());
                socketsAtRead.set(s);
                readAt.set(System.nanoTime());
            } finally {
                reading.set(false);
            }
        }
        return openAtRead.get() + Math.max(0, sockets.get() - socketsAtRead.get());
    }

    private long left() {
        return max() - open();
    }

    /** True when new connections must be refused (fewer than {@code reserve} descriptors left). */
    public boolean sessionsRefused() {
        if (reserve <= 0 || os == null) return false;
        boolean refused = left() < reserve;
        if (refused) refused("new connections");
        return refused;
    }

    /** True when a newly accepted socket must be closed at once (fewer than {@code reserve / 2} left). */
    public boolean acceptRefused() {
        if (reserve <= 0 || os == null) return false;
        boolean refused = left() < reserve / 2;
        if (refused) refused("accepted sockets");
        return refused;
    }

    /** Counts an accepted socket until it closes (for the estimate between OS reads). */
    public void accepted(io.netty.channel.Channel ch) {
        sockets.incrementAndGet();
        ch.closeFuture().addListener(f -> sockets.decrementAndGet());
    }

    /** Connections and sockets refused for lack of descriptors (metric hubbub_descriptor_refusals_total). */
    public long refusals() {
        return refusals.sum();
    }

    private void refused(String what) {
        refusals.increment();
        long now = System.nanoTime();
        long last = lastLog.get();
        if (now - last >= LOG_EVERY_NANOS && lastLog.compareAndSet(last, now)) {
            log.warn("file descriptors nearly exhausted ({} of {} open, reserve {}): refusing {} so /health, /ready and "
                    + "/metrics keep answering (limits.fileDescriptorReserve; logged at most every 10 s)", open(), max(), reserve, what);
        }
    }
}
