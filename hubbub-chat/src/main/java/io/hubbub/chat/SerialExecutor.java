package io.hubbub.chat;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs tasks one at a time, in submission order, on an underlying executor; at most {@code limit}
 * waiting (beyond, a task is refused and {@link #execute} returns false). Used for the work that
 * follows a commit (notifications), so it keeps commit order and cannot pile up without bound.
 */
final class SerialExecutor {
    private final Executor executor;
    private final int limit;
    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger size = new AtomicInteger();
    private final AtomicBoolean running = new AtomicBoolean();

    SerialExecutor(Executor executor, int limit) {
        this.executor = executor;
        this.limit = limit;
    }

    boolean execute(Runnable task) {
        if (size.incrementAndGet() > limit) {
            size.decrementAndGet();
            return false;
        }
        tasks.add(task);
        schedule();
        return true;
    }

    private void schedule() {
        if (!tasks.isEmpty() && running.compareAndSet(false, true)) executor.execute(this::drain);
    }

    private void drain() {
        try {
            for (Runnable t; (t = tasks.poll()) != null; ) {
                size.decrementAndGet();
                try {
                    t.run();
                } catch (RuntimeException e) {
                    // a task's own failure handling is its business; the queue goes on
                }
            }
        } finally {
            running.set(false);
            schedule(); // a task added between the last poll and the reset
        }
    }
}
