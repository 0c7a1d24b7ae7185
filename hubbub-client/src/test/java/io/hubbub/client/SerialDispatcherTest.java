package io.hubbub.client;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class SerialDispatcherTest {
    private final ExecutorService pool = Executors.newFixedThreadPool(4);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    @Test
    void runsTasksOneAtATimeInSubmissionOrderOnAPool() throws Exception {
        SerialDispatcher d = new SerialDispatcher(pool, 1_000_000);
        List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger concurrent = new AtomicInteger();
        AtomicInteger maxConcurrent = new AtomicInteger();
        int n = 2000;
        CountDownLatch done = new CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            int k = i;
            d.execute(() -> {
                maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
                seen.add(k);
                concurrent.decrementAndGet();
                done.countDown();
            });
        }
        assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(maxConcurrent.get()).isEqualTo(1);
        for (int i = 0; i < n; i++) {
            assertThat(seen.get(i)).isEqualTo(i);
        }
    }

    @Test
    void aThrowingTaskDoesNotStopTheOthers() throws Exception {
        SerialDispatcher d = new SerialDispatcher(pool, 100);
        CountDownLatch after = new CountDownLatch(1);
        d.execute(() -> {
            throw new IllegalStateException("listener bug");
        });
        d.execute(after::countDown);
        assertThat(after.await(5, TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void reportsFullnessAndResumesReadingAfterDraining() throws Exception {
        SerialDispatcher d = new SerialDispatcher(pool, 4);
        CountDownLatch gate = new CountDownLatch(1);
        d.execute(() -> {
            try {
                gate.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        for (int i = 0; i < 4; i++) {
            d.execute(() -> { });
        }
        // the blocked first task was already taken; the queue now holds 4 = high water
        CountDownLatch resumed = new CountDownLatch(1);
        assertThat(d.hasRoom(resumed::countDown)).isFalse();
        assertThat(resumed.getCount()).isEqualTo(1);
        gate.countDown();
        assertThat(resumed.await(5, TimeUnit.SECONDS)).as("the reader is resumed once drained").isTrue();
        assertThat(d.hasRoom(() -> { })).isTrue();
    }
}
