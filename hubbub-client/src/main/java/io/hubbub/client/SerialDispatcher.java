package io.hubbub.client;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayDeque;
import java.util.concurrent.Executor;

/**
 * Runs tasks one at a time, in submission order, on a delegate executor (which may be a pool): the
 * client's guarantee that listeners and future completions see events in receive order and never
 * concurrently. A task that throws is logged and does not stop the others.
 *
 * <p>The queue itself accepts every task (completions must never be lost); it is kept bounded by the
 * receive side, which asks {@link #hasRoom} before reading the next message and, when the queue is at
 * {@code highWater}, leaves a resume action that runs once the queue has drained to half of it.
 */
final class SerialDispatcher implements Executor {
    private static final Logger log = LoggerFactory.getLogger(SerialDispatcher.class);
    /** Tasks run per turn before the drain yields its thread back to a shared delegate. */
    private static final int BATCH = 256;

    private final Executor delegate;
    private final int highWater;
    private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    private boolean running;
    private Runnable resume;

    SerialDispatcher(Executor delegate, int highWater) {
        this.delegate = delegate;
        this.highWater = highWater;
    }

    @Override
    public void execute(Runnable task) {
        synchronized (this) {
            queue.add(task);
            if (running) {
                return;
            }
            running = true;
        }
        submitDrain();
    }

    /**
     * True if the queue is below its high-water mark; otherwise remembers {@code resumeWhenRoom}
     * (replacing an earlier one) to run once the queue has drained to half of it, and returns false.
     */
    synchronized boolean hasRoom(Runnable resumeWhenRoom) {
        if (queue.size() < highWater) {
            return true;
        }
        resume = resumeWhenRoom;
        return false;
    }

    synchronized int queued() {
        return queue.size();
    }

    private void submitDrain() {
        try {
            delegate.execute(this::drain);
        } catch (RuntimeException e) {
            log.error("callback executor refused the client's callbacks; running them on the calling thread", e);
            drain();
        }
    }

    private void drain() {
        for (int i = 0; i < BATCH; i++) {
            Runnable task;
            Runnable toResume = null;
            synchronized (this) {
                task = queue.poll();
                if (task == null) {
                    running = false;
                    return;
                }
                if (resume != null && queue.size() <= highWater / 2) {
                    toResume = resume;
                    resume = null;
                }
            }
            if (toResume != null) {
                runSafely(toResume);
            }
            runSafely(task);
        }
        submitDrain();
    }

    private static void runSafely(Runnable task) {
        try {
            task.run();
        } catch (Throwable t) {
            log.warn("a Hubbub client callback threw; continuing with the next one", t);
        }
    }
}
