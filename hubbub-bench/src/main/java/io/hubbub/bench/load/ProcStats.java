package io.hubbub.bench.load;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU and memory of a process from /proc (Linux), of this generator, and of the whole machine.
 * CPU times are in nanoseconds; clock ticks are taken as 100 per second (USER_HZ on Linux x86_64).
 */
public final class ProcStats {
    private static final long NANOS_PER_TICK = 10_000_000L;

    private ProcStats() {}

    /** utime + stime of {@code pid} (all its threads), or -1 when unreadable. */
    public static long cpuNanos(long pid) {
        if (pid <= 0) return -1;
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * NANOS_PER_TICK;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** Resident set size of {@code pid} in KiB, or -1. */
    public static long rssKb(long pid) {
        if (pid <= 0) return -1;
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** CPU time used by this generator process. */
    public static long selfCpuNanos() {
        var os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean sun) return sun.getProcessCpuTime();
        return -1;
    }

    /** {busy, total} jiffies of the whole machine from /proc/stat. */
    public static long[] machine() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long total = 0;
            for (int i = 1; i < f.length; i++) total += Long.parseLong(f[i]);
            long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
            return new long[]{total - idle, total};
        } catch (IOException | RuntimeException e) {
            return new long[]{0, 0};
        }
    }

    /** The 1-minute load average. */
    public static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split(" ")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    /** A snapshot of everything, for differences over a measurement window. */
    public record Snapshot(long wallNanos, long serverCpu, long selfCpu, long machineBusy, long machineTotal) {
        public static Snapshot take(long serverPid) {
            long[] m = machine();
            return new Snapshot(System.nanoTime(), cpuNanos(serverPid), selfCpuNanos(), m[0], m[1]);
        }
    }
}
