package io.hubbub.server.transport;

import io.hubbub.core.protocol.Outbound;
import io.netty.channel.EventLoop;
import io.netty.util.internal.PlatformDependent;

import java.util.Queue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicIntegerFieldUpdater;

/**
 * The bounded outbound queue of one connection, shared by every transport (native WebSocket,
 * Socket.IO). Producers on any thread {@link #offer}; the connection's event loop {@link #poll}s.
 *
 * <p>Policy (one place, so both protocols behave alike): droppable pushes (typing, cursors) are shed
 * once the queue is half full or the socket is backed up, keeping room for messages that must not be
 * lost; when the queue is full, a non-droppable frame is refused with {@link Admission#OVERFLOW} and the
 * caller closes the connection as a slow consumer (the client resumes and recovers: never a silent gap).
 *
 * <p>Draining: an accepted frame schedules the connection's drain on its event loop unless one is
 * already scheduled, so a burst costs one drain and the drain writes it with one flush. On an event
 * loop the drain joins the loop's {@link LoopBatcher}, so a broadcast to many connections of one loop
 * costs one task there, not one per connection. The drain calls {@link #drainStarting()} first.
 *
 * <p>Memory: the MPSC queue is created on the first offer and grows in 16-slot chunks. The queue object
 * alone is ~600 bytes (padded against false sharing), so a connection that went quiet hands it back
 * ({@link #release}) and the next offer makes a new one: an idle connection costs no queue at all.
 *
 * <p>Hand-back protocol (race-free against producers on other threads): a producer counts itself in
 * {@code size} before it looks up the queue. {@link #release} swaps {@code size} from 0 to
 * {@link #RELEASING} and drops the queue under this object's monitor, then adds the count back; a producer
 * whose count comes out negative arrived during that window, so it waits for the monitor (a few
 * instructions, never I/O) and then uses the new queue. No producer can hold the dropped queue: it
 * counted itself after the swap (and waits), or before it (and the swap fails, nothing is dropped).
 */
public final class Outbox {
    /** What happened to an offered frame. */
    public enum Admission { QUEUED, DROPPED, OVERFLOW }

    private static final int CHUNK = 16;
    /** {@code size} while {@link #release} drops the queue; producers that count from it see a negative size. */
    private static final int RELEASING = Integer.MIN_VALUE / 2;
    private final int maxFrames;
    // fields with updaters rather than atomic objects: every connection has an outbox (issue 14)
    private static final AtomicIntegerFieldUpdater<Outbox> SIZE = AtomicIntegerFieldUpdater.newUpdater(Outbox.class, "size");
    private static final AtomicIntegerFieldUpdater<Outbox> SCHEDULED = AtomicIntegerFieldUpdater.newUpdater(Outbox.class, "drainScheduled");
    private volatile int size;
    private volatile int drainScheduled; // 1 while a drain is scheduled
    private final Executor loop;
    private final LoopBatcher batcher; // null when the executor is not an event loop (tests)
    private final Runnable drain;
    private final Runnable onOverflow;
    private final TransportStats stats;
    private volatile Queue<Outbound> queue;

    /**
     * @param loop       the connection's event loop
     * @param drain      the connection's drain task (run on the loop)
     * @param onOverflow closes the connection as a slow consumer
     */
    public Outbox(int maxFrames, Executor loop, Runnable drain, Runnable onOverflow, TransportStats stats) {
        this.maxFrames = maxFrames;
        this.loop = loop;
        this.batcher = loop instanceof EventLoop l ? LoopBatcher.of(l) : null;
        this.drain = drain;
        this.onOverflow = onOverflow;
        this.stats = stats;
    }

    /**
     * Queues a frame (any thread) and schedules the drain; counts a dropped frame; on overflow calls the
     * slow-consumer handler.
     *
     * @param backedUp the socket cannot take more right now (droppable frames are shed)
     * @return whether the frame was queued
     */
    public boolean offer(Outbound frame, boolean backedUp) {
        switch (admit(frame, backedUp)) {
            case QUEUED -> {
                schedule();
                return true;
            }
            case DROPPED -> stats.dropped();
            case OVERFLOW -> {
                stats.slowConsumer();
                onOverflow.run();
            }
        }
        return false;
    }

    /** Schedules the drain if frames are waiting and none is scheduled (e.g. when the socket is writable again). */
    public void schedule() {
        if (drainScheduled != 0 || !SCHEDULED.compareAndSet(this, 0, 1)) return;
        if (batcher != null) batcher.add(drain);
        else loop.execute(drain);
    }

    /** Called by the drain task before it polls: frames offered from now on schedule a new drain. */
    public void drainStarting() {
        drainScheduled = 0;
    }

    /** The admission decision alone (see the class comment). */
    Admission admit(Outbound frame, boolean backedUp) {
        boolean droppable = frame instanceof Outbound.Push p && p.droppable();
        if (droppable && (backedUp || SIZE.get(this) >= maxFrames / 2)) return Admission.DROPPED;
        int n = SIZE.incrementAndGet(this);
        if (n < 0) n = afterRelease();
        if (n > maxFrames) {
            SIZE.decrementAndGet(this);
            return droppable ? Admission.DROPPED : Admission.OVERFLOW;
        }
        queue().offer(frame);
        return Admission.QUEUED;
    }

    /** A producer that counted itself during {@link #release}: waits until the queue is dropped, then the real count. */
    private int afterRelease() {
        synchronized (this) {
            return SIZE.get(this);
        }
    }

    /**
     * Hands the queue back if nothing is queued or being offered (see the class comment), so an idle
     * connection keeps no queue; the next offer creates one. Event loop only (the consumer's thread).
     *
     * @return whether the connection now holds no queue
     */
    public boolean release() {
        if (queue == null) return true;
        synchronized (this) {
            if (!SIZE.compareAndSet(this, 0, RELEASING)) return false;
            queue = null;
            SIZE.addAndGet(this, -RELEASING);
            return true;
        }
    }

    /** Whether a queue is allocated (tests and diagnostics). */
    public boolean hasQueue() {
        return queue != null;
    }

    /** The next frame, or null. Event loop only. */
    public Outbound poll() {
        Queue<Outbound> q = queue;
        Outbound f = q == null ? null : q.poll();
        if (f != null) SIZE.decrementAndGet(this);
        return f;
    }

    /** Drops everything queued. Event loop only. */
    public void clear() {
        while (poll() != null) {
            // counted down by poll
        }
    }

    public int size() {
        return Math.max(0, SIZE.get(this)); // negative only inside release()
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
