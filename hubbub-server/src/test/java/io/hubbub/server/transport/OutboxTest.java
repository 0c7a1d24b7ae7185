package io.hubbub.server.transport;

import io.hubbub.core.protocol.Json;
import io.hubbub.core.protocol.Outbound;
import org.junit.jupiter.api.Test;

import static io.hubbub.server.transport.Outbox.Admission.DROPPED;
import static io.hubbub.server.transport.Outbox.Admission.OVERFLOW;
import static io.hubbub.server.transport.Outbox.Admission.QUEUED;
import static org.assertj.core.api.Assertions.assertThat;

class OutboxTest {
    static Outbound.Push message(int n) {
        return new Outbound.Push("message:new", Json.object().put("n", n));
    }

    static Outbound.Push typing() {
        return new Outbound.Push("typing:start", Json.object(), true);
    }

    @Test
    void ephemeralFramesAreShedFromHalfFullAndMessagesOverflowOnlyWhenFull() {
        Outbox box = new Outbox(4);
        assertThat(box.offer(typing(), false)).isEqualTo(QUEUED);
        assertThat(box.offer(message(1), false)).isEqualTo(QUEUED);
        assertThat(box.offer(typing(), false)).as("half full: ephemeral shed").isEqualTo(DROPPED);
        assertThat(box.offer(message(2), false)).isEqualTo(QUEUED);
        assertThat(box.offer(message(3), false)).isEqualTo(QUEUED);
        assertThat(box.size()).isEqualTo(4);
        assertThat(box.offer(message(4), false)).as("full: the caller closes as slow consumer").isEqualTo(OVERFLOW);
        assertThat(box.size()).isEqualTo(4);
    }

    @Test
    void aBackedUpSocketShedsEphemeralFramesEvenWhenTheQueueIsEmpty() {
        Outbox box = new Outbox(100);
        assertThat(box.offer(typing(), true)).isEqualTo(DROPPED);
        assertThat(box.offer(message(1), true)).isEqualTo(QUEUED);
    }

    @Test
    void pollKeepsOrderAndCountsDown() {
        Outbox box = new Outbox(10);
        assertThat(box.poll()).as("no queue allocated yet").isNull();
        for (int i = 0; i < 3; i++) box.offer(message(i), false);
        assertThat(((Outbound.Push) box.poll()).payload().path("n").asInt()).isZero();
        assertThat(box.size()).isEqualTo(2);
        box.clear();
        assertThat(box.size()).isZero();
        assertThat(box.poll()).isNull();
    }
}
