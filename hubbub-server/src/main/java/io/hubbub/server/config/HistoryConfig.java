package io.hubbub.server.config;

import io.hubbub.core.config.ByteSize;
import io.hubbub.core.config.Checks;
import io.hubbub.core.config.Doc;

/**
 * Bounds of message history (rooms and topics) in bytes, and how much history a non-admin may ask for.
 * Sizes count each message's JSON (payload, sender, event); the memory engine's heap holds about twice
 * that, which the default total leaves room for. Trimming always drops the oldest messages first and
 * keeps the epoch: a client that missed trimmed messages is told {@code recovered: false}.
 */
public record HistoryConfig(
        @Doc("Most bytes of history one room or topic keeps; older messages are trimmed first (memory and Redis engines).") ByteSize maxBytesPerRoom,
        @Doc("Most bytes of history on this node, all rooms and topics together (memory engine); the largest histories are "
                + "trimmed first. 0 = maxTotalHeapFraction of the max heap.") ByteSize maxTotalBytes,
        @Doc("When maxTotalBytes is 0: the fraction of the max heap (0..0.5] all history together may take.") double maxTotalHeapFraction,
        @Doc("Largest historySize a non-admin may give a room (admins and the HTTP API up to rooms.maxHistorySize).") int maxUserHistorySize) {

    public static HistoryConfig defaults() {
        return new HistoryConfig(ByteSize.ofMiB(8), ByteSize.ofBytes(0), 0.25, 1_000);
    }

    /** The node total in bytes: {@code maxTotalBytes}, or the fraction of {@code maxHeap} when that is 0. */
    public long effectiveMaxTotalBytes(long maxHeap) {
        return maxTotalBytes.bytes() > 0 ? maxTotalBytes.bytes() : Math.max(1, (long) (maxHeap * maxTotalHeapFraction));
    }

    void validate(Checks c) {
        c.atLeast("history.maxBytesPerRoom", maxBytesPerRoom, ByteSize.ofKiB(1));
        if (!(maxTotalHeapFraction > 0 && maxTotalHeapFraction <= 0.5))
            c.fail("history.maxTotalHeapFraction", "must be above 0 and at most 0.5, got " + maxTotalHeapFraction);
        if (maxTotalBytes.bytes() != 0 && maxTotalBytes.compareTo(maxBytesPerRoom) < 0)
            c.fail("history.maxTotalBytes", "must be 0 or at least history.maxBytesPerRoom (" + maxBytesPerRoom + "), got " + maxTotalBytes);
        c.range("history.maxUserHistorySize", maxUserHistorySize, 0, 1_000_000);
    }
}
