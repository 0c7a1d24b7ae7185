package io.hubbub.core.engine.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.hubbub.core.engine.Broker;
import io.hubbub.core.engine.HistoryQuery;
import io.hubbub.core.engine.Publication;
import io.hubbub.core.engine.PublishOptions;
import io.hubbub.core.engine.StreamPosition;
import io.hubbub.core.engine.contract.BrokerContract;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The broker contract on {@link MemoryBroker}, plus its own promises (synchronous delivery, sweeping). */
class MemoryBrokerTest extends BrokerContract {

    @Override
    protected Broker newBroker() {
        return new MemoryBroker();
    }

    private static Publication pub(int n) {
        return Publication.of("message:new", JsonNodeFactory.instance.objectNode().put("n", n));
    }

    @Test
    void deliveryHappensOnThePublishingThreadBeforePublishCompletes() {
        try (MemoryBroker b = new MemoryBroker()) {
            List<String> seen = new ArrayList<>();
            b.setHandler((ch, p) -> seen.add(Thread.currentThread().getName() + ":" + p.offset()));
            b.subscribe("room").join();
            StreamPosition pos = b.publish("room", pub(1), new PublishOptions(10, Duration.ZERO, Duration.ZERO)).join();
            assertThat(pos.offset()).isEqualTo(1);
            assertThat(seen).containsExactly(Thread.currentThread().getName() + ":1");
        }
    }

    @Test
    void aFailingHandlerDoesNotLoseThePublication() {
        try (MemoryBroker b = new MemoryBroker()) {
            b.setHandler((ch, p) -> {
                throw new IllegalStateException("boom");
            });
            b.subscribe("room").join();
            PublishOptions keep = new PublishOptions(10, Duration.ZERO, Duration.ZERO);
            assertThat(b.publish("room", pub(1), keep).join().offset()).isEqualTo(1);
            assertThat(b.history("room", HistoryQuery.latest(0)).join().publications()).hasSize(1);
        }
    }

    @Test
    void sweepDropsIdleStreamsAndUnrecordedPublishesCreateNone() {
        try (MemoryBroker b = new MemoryBroker(Duration.ofMinutes(5))) {
            b.setHandler((ch, p) -> {});
            PublishOptions shortStream = new PublishOptions(10, Duration.ZERO, Duration.ofMillis(300));
            for (int i = 0; i < 50; i++) b.publish("room-" + i, pub(i), shortStream).join();
            b.publish("typing", pub(0), PublishOptions.NO_HISTORY).join();
            b.publish("long", pub(0), new PublishOptions(10, Duration.ZERO, Duration.ofMinutes(5))).join();
            assertThat(b.streamCount()).isEqualTo(51);
            await().atMost(5, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(100)).until(() -> {
                b.sweep();
                return b.streamCount() == 1;
            });
            assertThat(b.history("long", HistoryQuery.latest(0)).join().publications()).hasSize(1);
        }
    }

    @Test
    void streamTtlNeverEndsBeforeHistoryTtl() throws InterruptedException {
        try (MemoryBroker b = new MemoryBroker()) {
            b.setHandler((ch, p) -> {});
            StreamPosition first = b.publish("room", pub(1), new PublishOptions(10, Duration.ofMinutes(1), Duration.ofMillis(100))).join();
            Thread.sleep(300);
            assertThat(b.sweep()).isZero();
            assertThat(b.history("room", HistoryQuery.latest(0)).join().position()).isEqualTo(first);
        }
    }

    @Test
    void aNewBrokerStartsEveryChannelInANewEpoch() {
        PublishOptions keep = new PublishOptions(10, Duration.ZERO, Duration.ZERO);
        StreamPosition before;
        try (MemoryBroker b = new MemoryBroker()) {
            before = b.publish("room", pub(1), keep).join();
        }
        try (MemoryBroker restarted = new MemoryBroker()) {
            var h = restarted.history("room", HistoryQuery.latest(0)).join();
            assertThat(h.position().epoch()).isNotEqualTo(before.epoch());
            assertThat(h.canRecoverFrom(before)).isFalse();
        }
    }
}
