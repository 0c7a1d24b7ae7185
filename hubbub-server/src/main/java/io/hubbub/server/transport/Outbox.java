package io.hubbub.server.transport;

import io.hubbub.core.protocol.Outbound;
import io.netty.util.internal.PlatformDependent;

import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bounded outbound queue of one connection, shared by every transport (native WebSocket,
 * Socket.IO). Producers on any thread {@link #offer}; the connection's event loop {@link #poll}s.
 *
 * <p>Policy (one place, so both protocols behave alike): droppable pushes (typing, cursors) are shed
 * once the queue is half full or the socket is backed up, keeping room for messages that must not be
 * lost; when the queue is full, a non-droppable frame is refused with {@link Admission#OVERFLOW} and the
 * caller closes the connection as a slow consumer (the client resumes and recovers: never a silent gap).
 *
 * <p>Memory: the MPSC queue is created on the first offer and grows in 16-slot chunks, so an idle
 * connection costs no queue at all and a quiet one a few hundred bytes.
 */
public final class Outbox {
    /** What happened to an offered frame. */
    public enum Admission { QUEUED, DROPPED, OVERFLOW }

    private static final int CHUNK = 16;
    private final int maxFrames;
    private final AtomicInteger size = new AtomicInteger();
    private volatile Queue<Outbound> queue;

    public Outbox(int maxFrames) {
        this.maxFrames = maxFrames;
    }

    /** @param backedUp the socket cannot take more right now (droppable frames are shed) */
    public Admission offer(Outbound frame, boolean backedUp) {
        boolean droppable = frame instanceof Outbound.Push p && p.droppable();
        if (droppable && (backedUp || size.get() >= maxFrames / 2)) return Admission.DROPPED;
        if (size.incrementAndGet() > maxFrames) {
            size.decrementAndGet();
            return droppable ? Admission.DROPPED : Admission.OVERFLOW;
        }
        queue().offer(frame);
        return Admission.QUEUED;
    }

    /** The next frame, or null. Event loop only. */
    public Outbound poll() {
        Queue<Outbound> q = queue;
        Outbound f = q == null ? null : q.poll();
        if (f != null) size.decrementAndGet();
        return f;
    }

    /** Drops everything queued. Event loop only. */
    public void clear() {
        while (poll() != null) {
            // counted down by poll
        }
    }

    public int size() {
        return size.get();
    }

    private Queue<Outbound> queue() {
        Queue<Outbound> q = queue;
        if (q == null) {
            synchronized (this) {
                q = queue;
                if (q == null) queue = q = maxFrames + 1 > 4 * CHUNK
                        ? PlatformDependent.newMpscQueue(CHUNK, maxFrames + 1)
                        : PlatformDependent.newMpscQueue(maxFrames + 1);
            }
        }
        return q;
    }
}
