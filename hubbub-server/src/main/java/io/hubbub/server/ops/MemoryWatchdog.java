package io.hubbub.server.ops;

import io.hubbub.core.room.RoomService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;

/**
 * The memory watchdog: above {@code maxHeapFraction} of the maximum heap the server refuses new
 * connections (with a clear 503, and {@code /ready} answers 503) and drops its copies of empty
 * non-persistent rooms, instead of running out of memory. Checked periodically; the state flips back
 * once usage falls 6 % (relative) below the threshold (hysteresis).
 *
 * <p><b>What is measured</b>: the heap occupancy <em>after the last garbage collection</em>, summed
 * over the heap pools ({@link MemoryPoolMXBean#getCollectionUsage()}; the old generation carries it),
 * i.e. the live set. The raw heap reading ({@code MemoryMXBean.getHeapMemoryUsage()}) includes garbage
 * not yet collected: a burst of sign-ins (19 MiB of Argon2 memory each) pushed it to 97 % with the serial
 * collector while almost nothing was live, and the watchdog refused connections for nothing. A pool
 * that has not been collected yet reports 0 after-GC usage; that is correct, since the collector runs
 * before the heap is full and then gives a real reading.
 *
 * <p>Under pressure the watchdog <b>never closes a room that has members</b>: it only drops this
 * node's copy of empty non-persistent rooms ({@link RoomService#shedIdle()}); rooms with members and
 * persistent rooms (their history and membership) are kept.
 */
public final class MemoryWatchdog implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(MemoryWatchdog.class);
    private final double maxFraction;
    private final RoomService rooms;
    private final List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream()
            .filter(p -> p.getType() == MemoryType.HEAP && p.getCollectionUsage() != null).toList();
    private volatile boolean overloaded;

    public MemoryWatchdog(double maxFraction, RoomService rooms) {
        this.maxFraction = maxFraction;
        this.rooms = rooms;
    }

    /** True while the node refuses new connections for memory pressure. */
    public boolean overloaded() {
        return overloaded;
    }

    /** The live heap: bytes in use after the last collection of each heap pool, as a fraction of the maximum heap. */
    public double heapFraction() {
        long used = 0;
        for (MemoryPoolMXBean p : heapPools) {
            MemoryUsage after = p.getCollectionUsage();
            if (after != null) used += after.getUsed();
        }
        long max = Runtime.getRuntime().maxMemory();
        if (max <= 0 || max == Long.MAX_VALUE) max = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
        return max <= 0 ? 0 : (double) used / max;
    }

    @Override
    public void run() {
        double f = heapFraction();
        if (!overloaded && f > maxFraction) {
            overloaded = true;
            int shed = rooms.shedIdle();
            log.warn("live heap at {}% (limit {}%): refusing new connections, dropped {} empty rooms",
                    Math.round(f * 100), Math.round(maxFraction * 100), shed);
        } else if (overloaded && f < maxFraction * 0.94) {
            overloaded = false;
            log.info("live heap back to {}%: accepting connections again", Math.round(f * 100));
        }
    }
}
