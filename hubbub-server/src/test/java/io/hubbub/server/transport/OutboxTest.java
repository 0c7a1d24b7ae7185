package io.hubbub.server.transport;

import io.hubbub.core.protocol.Json;
import io.hubbub.core.protocol.Outbound;
import org.junit.jupiter.api.Test;

import static io.hubbub.server.transport.Outbox.Admission.DROPPED;
import static io.hubbub.server.transport.Outbox.Admission.OVERFLOW;
import static io.hubbub.server.transport.Outbox.Admission.QUEUED;
import static org.assertj.core.api.Assertions.assertThat;

class OutboxTest {
    static Outbox outbox(int max) {
        return new Outbox(max, Runnable::run, () -> { }, () -> { }, new TransportStats());
    }

    @Test
    void offerCountsDropsSchedulesTheDrainOnceAndReportsOverflow() {
        TransportStats stats = new TransportStats();
        java.util.concurrent.atomic.AtomicInteger drains = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.atomic.AtomicInteger overflows = new java.util.concurrent.atomic.AtomicInteger();
        java.util.List<Runnable> loop = new java.util.ArrayList<>();
        Outbox box = new Outbox(2, loop::add, drains::incrementAndGet, overflows::incrementAndGet, stats);
        assertThat(box.offer(message(1), false)).isTrue();
        assertThat(box.offer(message(2), false)).isTrue();
        assertThat(loop).as("one drain task for a burst").hasSize(1);
        assertThat(box.offer(typing(), false)).isFalse();
        assertThat(stats.droppedFrames()).isEqualTo(1);
        assertThat(box.offer(message(3), false)).isFalse();
        assertThat(overflows.get()).isEqualTo(1);
        assertThat(stats.slowConsumerCloses()).isEqualTo(1);
        loop.getFirst().run();
        assertThat(drains.get()).isEqualTo(1);
        box.drainStarting();
        box.poll();
        assertThat(box.offer(message(4), false)).isTrue();
        assertThat(loop).as("a new drain after the previous one started").hasSize(2);
    }

    static Outbound.Push message(int n) {
        return new Outbound.Push("message:new", Json.object().put("n", n));
    }

    static Outbound.Push typing() {
        return new Outbound.Push("typing:start", Json.object(), true);
    }

    @Test
    void ephemeralFramesAreShedFromHalfFullAndMessagesOverflowOnlyWhenFull() {
        Outbox box = outbox(4);
        assertThat(box.admit(typing(), false)).isEqualTo(QUEUED);
        assertThat(box.admit(message(1), false)).isEqualTo(QUEUED);
        assertThat(box.admit(typing(), false)).as("half full: ephemeral shed").isEqualTo(DROPPED);
        assertThat(box.admit(message(2), false)).isEqualTo(QUEUED);
        assertThat(box.admit(message(3), false)).isEqualTo(QUEUED);
        assertThat(box.size()).isEqualTo(4);
        assertThat(box.admit(message(4), false)).as("full: the caller closes as slow consumer").isEqualTo(OVERFLOW);
        assertThat(box.size()).isEqualTo(4);
    }

    @Test
    void aBackedUpSocketShedsEphemeralFramesEvenWhenTheQueueIsEmpty() {
        Outbox box = outbox(100);
        assertThat(box.admit(typing(), true)).isEqualTo(DROPPED);
        assertThat(box.admit(message(1), true)).isEqualTo(QUEUED);
    }

    @Test
    void pollKeepsOrderAndCountsDown() {
        Outbox box = outbox(10);
        assertThat(box.poll()).as("no queue allocated yet").isNull();
        for (int i = 0; i < 3; i++) box.admit(message(i), false);
        assertThat(((Outbound.Push) box.poll()).payload().path("n").asInt()).isZero();
        assertThat(box.size()).isEqualTo(2);
        box.clear();
        assertThat(box.size()).isZero();
        assertThat(box.poll()).isNull();
    }
    @Test
    void anEmptyOutboxHandsItsQueueBackAndMakesANewOneForTheNextFrame() {
        Outbox box = outbox(10);
        box.admit(message(1), false);
        assertThat(box.hasQueue()).isTrue();
        assertThat(box.release()).as("a frame is waiting: the queue stays").isFalse();
        assertThat(box.hasQueue()).isTrue();
        assertThat(((Outbound.Push) box.poll()).payload().path("n").asInt()).isEqualTo(1);
        assertThat(box.release()).isTrue();
        assertThat(box.hasQueue()).isFalse();
        assertThat(box.size()).isZero();
        assertThat(box.poll()).isNull();
        assertThat(box.admit(message(2), false)).isEqualTo(QUEUED);
        assertThat(box.size()).isEqualTo(1);
        assertThat(((Outbound.Push) box.poll()).payload().path("n").asInt()).isEqualTo(2);
    }

    /**
     * The hand-back against producers on other threads: the consumer hands the queue back whenever it
     * finds it empty, while producers offer into a small bound (retrying on overflow). Every frame
     * arrives exactly once, each producer's frames in order, and the bound holds throughout.
     */
    @Test
    void handingTheQueueBackRacesWithProducersWithoutLosingReorderingOrOverfilling() throws Exception {
        int producers = 3, perProducer = 20_000, max = 8;
        Outbox box = outbox(max);
        java.util.concurrent.atomic.AtomicInteger queued = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
        java.util.List<Thread> threads = new java.util.ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int id = p;
            Thread t = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perProducer; i++) {
                    Outbound.Push m = new Outbound.Push("message:new", Json.object().put("p", id).put("n", i));
                    while (box.admit(m, false) != QUEUED) Thread.yield(); // full: wait for the consumer
                    queued.incrementAndGet();
                }
            });
            t.start();
            threads.add(t);
        }
        int[] next = new int[producers];
        int received = 0, released = 0, maxSeen = 0;
        start.countDown();
        for (long spins = 0; received < producers * perProducer && spins < 2_000_000_000L; spins++) {
            maxSeen = Math.max(maxSeen, queued.get() - received); // a lower bound of what the queue holds
            Outbound f = box.poll();
            if (f == null) {
                if (box.hasQueue() && box.release()) released++;
                continue;
            }
            var payload = ((Outbound.Push) f).payload();
            int p = payload.path("p").asInt();
            assertThat(payload.path("n").asInt()).as("producer %d's frames in order, none lost", p).isEqualTo(next[p]);
            next[p]++;
            received++;
        }
        for (Thread t : threads) t.join();
        assertThat(received).isEqualTo(producers * perProducer);
        assertThat(box.poll()).isNull();
        assertThat(box.size()).isZero();
        assertThat(maxSeen).as("never more than the bound queued").isLessThanOrEqualTo(max);
        assertThat(released).as("the race was exercised").isPositive();
    }
}
