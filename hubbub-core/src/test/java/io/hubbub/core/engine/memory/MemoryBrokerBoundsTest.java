package io.hubbub.core.engine.memory;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.hubbub.core.engine.Broker;
import io.hubbub.core.engine.HistoryQuery;
import io.hubbub.core.engine.HistoryResult;
import io.hubbub.core.engine.Publication;
import io.hubbub.core.engine.PublishOptions;
import io.hubbub.core.engine.StreamPosition;
import io.hubbub.core.engine.contract.BrokerBoundsContract;
import io.hubbub.core.protocol.Json;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The bounds contract on {@link MemoryBroker}, plus its node-wide byte bound. */
class MemoryBrokerBoundsTest extends BrokerBoundsContract {

    @Override
    protected Broker newBroker() {
        return new MemoryBroker();
    }

    private static Publication big(int n, int bytes) {
        return Publication.of("message:new", JsonNodeFactory.instance.objectNode().put("n", n).put("text", "x".repeat(bytes)));
    }

    @Test
    void theEstimateIsCloseToTheJsonSize() throws Exception {
        Publication p = big(7, 60_000);
        long json = Json.MAPPER.writeValueAsBytes(p.data()).length;
        assertThat(MemoryBroker.estimateBytes(p)).isBetween(json, json + 100);
    }

    /** The attack of the report, scaled down: 20 rooms of one user each asking for a huge history. */
    @Test
    void allHistoryOnTheNodeStaysUnderItsBoundTrimmingTheLargestStreamsOldestFirst() {
        long bound = 200_000;
        try (MemoryBroker b = new MemoryBroker(Duration.ofHours(1), bound)) {
            b.setHandler((c, p) -> {});
            PublishOptions huge = new PublishOptions(10_000, Duration.ofHours(1), Duration.ofHours(2));
            String quiet = "room:quiet";
            StreamPosition quietPos = b.publish(quiet, big(0, 500), huge).join();
            Map<String, StreamPosition> tops = new HashMap<>();
            for (int round = 1; round <= 50; round++) {
                for (int r = 0; r < 20; r++) {
                    String ch = "room:flood-" + r;
                    tops.put(ch, b.publish(ch, big(round, 2_000), huge).join());
                    assertThat(b.totalBytes()).as("node total after each publish").isLessThanOrEqualTo(bound);
                }
            }
            // 20 × 50 × 2 KB = 2 MB published; at most 200 KB kept, taken from the big streams.
            HistoryResult q = b.history(quiet, HistoryQuery.latest(0)).join();
            assertThat(q.publications()).as("the small quiet room keeps its message").hasSize(1);
            assertThat(q.canRecoverFrom(new StreamPosition(0, quietPos.epoch()))).isTrue();
            for (var e : tops.entrySet()) {
                HistoryResult h = b.history(e.getKey(), HistoryQuery.latest(0)).join();
                assertThat(h.position()).as("epoch and top kept").isEqualTo(e.getValue());
                assertThat(h.publications().size()).isLessThan(50);
                if (!h.publications().isEmpty()) {
                    assertThat(h.publications().getLast().offset()).isEqualTo(50);
                    assertThat(h.earliest()).isEqualTo(h.publications().getFirst().offset());
                    assertThat(h.publications().size()).isEqualTo((int) (51 - h.earliest()));
                }
                assertThat(h.canRecoverFrom(new StreamPosition(0, e.getValue().epoch()))).as("offset 1 is gone").isFalse();
            }
            b.removeHistory(quiet).join();
            for (String ch : tops.keySet()) b.removeHistory(ch).join();
            assertThat(b.totalBytes()).as("removed streams give back their bytes").isZero();
        }
    }
}
