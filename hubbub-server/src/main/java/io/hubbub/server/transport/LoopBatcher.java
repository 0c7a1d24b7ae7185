package io.hubbub.server.transport;

import io.netty.channel.EventLoop;
import io.netty.util.internal.PlatformDependent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The drains waiting on one event loop. A broadcast offers a frame to every receiver; each receiver's
 * {@link Outbox} that was idle joins this loop's batch, and the whole batch runs as one task, so one
 * broadcast costs one task submission (and at most one wake-up) per event loop instead of one per
 * connection. Every drain writes its connection's frames and flushes it once.
 *
 * <p>Bound: an outbox is queued at most once at a time (its own scheduled flag), so the queue never
 * holds more entries than the loop has connections. A run drains the entries present when it starts;
 * later ones go to the next run, so a steady stream of broadcasts cannot starve the loop's other tasks.
 */
final class LoopBatcher implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(LoopBatcher.class);
    private static final ConcurrentHashMap<EventLoop, LoopBatcher> BATCHERS = new ConcurrentHashMap<>();

    private final EventLoop loop;
    private final Queue<Runnable> drains = PlatformDependent.newMpscQueue();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    private LoopBatcher(EventLoop loop) {
        this.loop = loop;
    }

    /** The loop's batcher; forgotten when the loop terminates. */
    static LoopBatcher of(EventLoop loop) {
        LoopBatcher b = BATCHERS.get(loop);
        if (b != null) return b;
        return BATCHERS.computeIfAbsent(loop, l -> {
            l.terminationFuture().addListener(f -> BATCHERS.remove(l));
            return new LoopBatcher(l);
        });
    }

    /** Queues a connection's drain (any thread); the caller guarantees it is not queued already. */
    void add(Runnable drain) {
        drains.offer(drain);
        if (!scheduled.get() && scheduled.compareAndSet(false, true)) loop.execute(this); // read first: a failed CAS still takes the line
    }

    @Override
    public void run() {
        scheduled.set(false);
        for (int n = drains.size(); n > 0; n--) {
            Runnable drain = drains.poll();
            if (drain == null) return;
            try {
                drain.run();
            } catch (RuntimeException e) {
                // one connection's failure must not strand the others' frames
                log.warn("a connection's drain failed", e);
            }
        }
    }
}
