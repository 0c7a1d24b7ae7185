package io.hubbub.signaling;

/**
 * The seed's memory thresholds as a pure rule: above {@code warn} heap bytes the signaling watchdog
 * removes dead peers and deletes empty rooms; above {@code critical} it also closes every idle room.
 * It acts on top of the server's own watchdog (which sheds load for all rooms).
 */
public record WatchdogPolicy(long warnBytes, long criticalBytes) {

    public enum Level { OK, WARNING, CRITICAL }

    public WatchdogPolicy {
        if (warnBytes >= criticalBytes) throw new IllegalArgumentException("warn must be below critical");
    }

    public Level level(long heapUsedBytes) {
        if (heapUsedBytes > criticalBytes) return Level.CRITICAL;
        if (heapUsedBytes > warnBytes) return Level.WARNING;
        return Level.OK;
    }
}
