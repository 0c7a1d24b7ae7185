package io.hubbub.server.ops;

import io.hubbub.core.room.RoomService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Seed 003's memory watchdog: above {@code maxHeapFraction} of the maximum heap the server refuses new
 * connections (with a clear 503) and sheds idle rooms, instead of running out of memory. Checked
 * periodically; the state flips back once usage falls below the threshold (minus 5 % hysteresis).
 */
public final class MemoryWatchdog implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(MemoryWatchdog.class);
    private final double maxFraction;
    private final RoomService rooms;
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private volatile boolean overloaded;

    public MemoryWatchdog(double maxFraction, RoomService rooms) {
        this.maxFraction = maxFraction;
        this.rooms = rooms;
    }

    public boolean overloaded() {
        return overloaded;
    }

    public double heapFraction() {
        var u = memory.getHeapMemoryUsage();
        long max = u.getMax() > 0 ? u.getMax() : u.getCommitted();
        return (double) u.getUsed() / max;
    }

    @Override
    public void run() {
        double f = heapFraction();
        if (!overloaded && f > maxFraction) {
            overloaded = true;
            int shed = rooms.shedIdle();
            log.warn("heap at {}% (limit {}%): refusing new connections, closed {} idle rooms",
                    Math.round(f * 100), Math.round(maxFraction * 100), shed);
        } else if (overloaded && f < maxFraction - 0.05) {
            overloaded = false;
            log.info("heap back to {}%: accepting connections again", Math.round(f * 100));
        }
    }
}
