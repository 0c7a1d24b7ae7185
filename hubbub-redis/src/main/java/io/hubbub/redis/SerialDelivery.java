package io.hubbub.redis;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks off Lettuce's event loop with a per-key order guarantee: each key is pinned to one of a
 * fixed set of single-thread lanes, so tasks of one key run one at a time, in submission order. Each
 * lane's queue is bounded; when a lane is full (the handler is far slower than Redis delivers) the task
 * is dropped, counted and logged at ERROR: blocking the event loop instead would stall every Redis
 * command of the node. A dropped publication is seen by receivers as an offset gap and is recovered
 * from history.
 */
final class SerialDelivery implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SerialDelivery.class);
    private final ThreadPoolExecutor[] lanes;
    private final AtomicLong dropped = new AtomicLong();

    SerialDelivery(String name, int threads, int queueCapacity) {
        lanes = new ThreadPoolExecutor[threads];
        for (int i = 0; i < threads; i++) {
            String threadName = name + "-" + i;
            lanes[i] = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(queueCapacity), r -> {
                Thread t = new Thread(r, threadName);
                t.setDaemon(true);
                return t;
            });
        }
    }

    void execute(String key, Runnable task) {
        ThreadPoolExecutor lane = lanes[Math.floorMod(key.hashCode(), lanes.length)];
        try {
            lane.execute(() -> {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    log.error("delivery task for {} failed", key, e);
                }
            });
        } catch (RejectedExecutionException e) {
            if (!lane.isShutdown()) {
                long n = dropped.incrementAndGet();
                log.error("delivery queue full: dropped a publication of {} ({} dropped so far)", key, n);
            }
        }
    }

    long dropped() {
        return dropped.get();
    }

    @Override
    public void close() {
        for (ThreadPoolExecutor lane : lanes) lane.shutdown();
        for (ThreadPoolExecutor lane : lanes) {
            try {
                lane.awaitTermination(2, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
