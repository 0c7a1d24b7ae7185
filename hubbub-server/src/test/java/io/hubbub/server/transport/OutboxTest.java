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
}
