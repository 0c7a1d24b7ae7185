package io.hubbub.server.protocol.socketio.hubbub;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The recovery logs of Socket.IO sessions that ended on this node, by recovery id, for the resume
 * window. Bounded: beyond {@code maxEntries} live logs a new one is not kept (that session can still
 * resume, exactly when it was in one channel; see docs/PROTOCOL.md). Thread-safe.
 */
final class RecoveryLogs {
    private record Entry(RecoveryLog log, long expiresAtNanos) {}

    private final Map<String, Entry> logs = new ConcurrentHashMap<>();
    private final long windowNanos;
    private final int maxEntries;

    RecoveryLogs(Duration window, int maxEntries) {
        this.windowNanos = window.toNanos();
        this.maxEntries = maxEntries;
    }

    void put(String recoveryId, RecoveryLog log) {
        if (windowNanos <= 0) return;
        long now = System.nanoTime();
        if (logs.size() >= maxEntries) logs.values().removeIf(e -> e.expiresAtNanos - now < 0);
        if (logs.size() < maxEntries) logs.put(recoveryId, new Entry(log, now + windowNanos));
    }

    /** Removes and returns the log, or null when there is none or it expired. */
    RecoveryLog take(String recoveryId) {
        Entry e = recoveryId == null ? null : logs.remove(recoveryId);
        return e == null || e.expiresAtNanos - System.nanoTime() < 0 ? null : e.log;
    }

    int size() {
        return logs.size();
    }
}
