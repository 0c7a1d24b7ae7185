package io.hubbub.core.session;

import io.hubbub.core.protocol.Outbound;

import java.util.ArrayList;
import java.util.List;

/**
 * Holds a channel's live deliveries for one session while it joins or recovers, so that the session
 * sees: missed history, then the join reply, then live messages — each exactly once, in offset order.
 *
 * <p>Threading: {@link #offer} is called by broker delivery threads, {@link #finish} by the session's
 * executor; both synchronise on this buffer, which is short-lived (one join). Bounded: a buffer that
 * overflows marks itself failed and the session is closed as a slow consumer, because dropping a
 * message here would be a silent gap.
 */
final class RecoveryBuffer {
    private record Item(long offset, Outbound.Push push) {}

    private final int limit;
    private final List<Item> items = new ArrayList<>();
    private boolean done;
    private boolean overflowed;
    private long lastSent;

    RecoveryBuffer(int limit) {
        this.limit = limit;
    }

    /** @return true if buffered; false if the buffer is finished and the caller must send directly */
    synchronized boolean offer(long offset, Outbound.Push push) {
        if (done) return false;
        if (items.size() >= limit) {
            overflowed = true;
            return true;
        }
        items.add(new Item(offset, push));
        return true;
    }

    /**
     * Sends {@code before} (missed history, already in order), then {@code reply}, then buffered live
     * messages whose offset is above {@code floor} and above the last history offset (unrecorded
     * ones, offset 0, always), and switches the channel to direct delivery.
     *
     * @return false if the buffer overflowed (the caller closes the session)
     */
    synchronized boolean finish(Session session, List<Outbound.Push> before, long lastBeforeOffset,
                                Outbound reply, long floor) {
        for (Outbound.Push p : before) session.transport().send(p);
        if (reply != null) session.transport().send(reply);
        lastSent = before.isEmpty() ? 0 : lastBeforeOffset;
        long last = Math.max(lastBeforeOffset, floor);
        for (Item it : items) {
            if (it.offset == 0 || it.offset > last) {
                session.transport().send(it.push);
                if (it.offset > 0) last = lastSent = it.offset;
            }
        }
        items.clear();
        done = true;
        return !overflowed;
    }

    /** The highest offset {@link #finish} sent (0 if none). */
    synchronized long lastSent() {
        return lastSent;
    }

    /** Abandons the buffer (join failed): later deliveries go direct, buffered ones are discarded. */
    synchronized void cancel() {
        items.clear();
        done = true;
    }
}
