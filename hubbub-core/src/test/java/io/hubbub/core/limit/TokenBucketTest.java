package io.hubbub.core.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketTest {
    private final AtomicLong now = new AtomicLong(123_456_789L);

    private void advanceMillis(long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
    }

    private static int drain(TokenBucket b) {
        int n = 0;
        while (b.tryAcquire()) n++;
        return n;
    }

    @Test
    void startsFullAndRefusesBeyondTheBurst() {
        TokenBucket b = new TokenBucket(10, 5, now::get);
        assertThat(b.available()).isEqualTo(5);
        assertThat(drain(b)).isEqualTo(5);
        assertThat(b.tryAcquire()).isFalse();
        assertThat(b.available()).isZero();
    }

    @Test
    void refillsAtTheRate() {
        TokenBucket b = new TokenBucket(10, 5, now::get);
        drain(b);
        advanceMillis(99);
        assertThat(b.tryAcquire()).as("a token takes 100 ms").isFalse();
        advanceMillis(1);
        assertThat(b.tryAcquire()).isTrue();
        assertThat(b.tryAcquire()).isFalse();
        advanceMillis(300);
        assertThat(drain(b)).isEqualTo(3);
    }

    @Test
    void neverHoldsMoreThanTheBurstAfterIdling() {
        TokenBucket b = new TokenBucket(1000, 20, now::get);
        drain(b);
        advanceMillis(60_000);
        assertThat(b.available()).isEqualTo(20);
        assertThat(drain(b)).isEqualTo(20);
    }

    @Test
    void fractionalRatesAreExact() {
        TokenBucket b = new TokenBucket(3, 3, now::get);
        assertThat(drain(b)).isEqualTo(3);
        advanceMillis(1000);
        assertThat(drain(b)).isEqualTo(3);
        TokenBucket slow = new TokenBucket(0.5, 1, now::get);
        assertThat(drain(slow)).isEqualTo(1);
        advanceMillis(1999);
        assertThat(slow.tryAcquire()).isFalse();
        advanceMillis(1);
        assertThat(slow.tryAcquire()).isTrue();
    }

    @Test
    void multiplePermitsAreAllOrNothing() {
        TokenBucket b = new TokenBucket(10, 5, now::get);
        assertThat(b.tryAcquire(3)).isTrue();
        assertThat(b.tryAcquire(3)).isFalse();
        assertThat(b.available()).isEqualTo(2);
        assertThat(b.tryAcquire(2)).isTrue();
        assertThat(b.tryAcquire(6)).as("more than the burst never fits").isFalse();
    }

    @Test
    void concurrentCallersNeverGetMoreThanTheBurst() throws InterruptedException {
        TokenBucket b = new TokenBucket(1, 100, now::get);
        AtomicInteger granted = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 1000; i++) if (b.tryAcquire()) granted.incrementAndGet();
            }));
        }
        start.countDown();
        for (Thread t : threads) t.join(10_000);
        assertThat(granted.get()).isEqualTo(100);
    }

    @Test
    void worksWithTheRealClock() {
        TokenBucket b = new TokenBucket(1_000_000, 10);
        assertThat(b.tryAcquire(10)).isTrue();
        assertThat(b.burst()).isEqualTo(10);
    }

    @Test
    void rejectsInvalidSettings() {
        assertThatThrownBy(() -> new TokenBucket(0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenBucket(Double.NaN, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenBucket(1, 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TokenBucket(1, 1).tryAcquire(0)).isInstanceOf(IllegalArgumentException.class);
    }
}
