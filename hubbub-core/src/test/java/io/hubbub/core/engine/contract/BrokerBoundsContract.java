package io.hubbub.core.engine.contract;

import static io.hubbub.core.engine.contract.Contracts.await;
import static io.hubbub.core.engine.contract.Contracts.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.hubbub.core.engine.Broker;
import io.hubbub.core.engine.BrokerHandler;
import io.hubbub.core.engine.HistoryQuery;
import io.hubbub.core.engine.HistoryResult;
import io.hubbub.core.engine.Publication;
import io.hubbub.core.engine.PublishOptions;
import io.hubbub.core.engine.StreamPosition;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The {@link Broker} guarantees about history bounded in bytes ({@link PublishOptions#historyMaxBytes})
 * and idempotent publishes ({@link PublishOptions#idempotencyKey}), which every engine must give. Kept
 * beside {@link BrokerContract} (same conventions: each test uses its own channels).
 */
public abstract class BrokerBoundsContract {
    /** Kept long enough not to be trimmed by age during a test; 100 entries, at most 5,000 bytes. */
    protected static final PublishOptions SMALL = new PublishOptions(100, Duration.ofMinutes(5), Duration.ofMinutes(10))
            .withHistoryMaxBytes(5_000);
    protected static final PublishOptions KEEP = new PublishOptions(100, Duration.ofMinutes(5), Duration.ofMinutes(10));

    private final List<Broker> brokers = new CopyOnWriteArrayList<>();

    /** A new broker (one node) on the engine's backend; closed by the suite after each test. */
    protected abstract Broker newBroker();

    /** True if brokers from {@link #newBroker} share one backend (nodes of one cluster). */
    protected boolean brokersShareBackend() {
        return false;
    }

    protected void afterEachTest() {}

    @AfterEach
    final void closeBrokers() {
        for (Broker b : brokers) b.close();
        brokers.clear();
        afterEachTest();
    }

    private Broker broker(BrokerHandler h) {
        Broker b = newBroker();
        brokers.add(b);
        b.setHandler(h);
        return b;
    }

    private Broker broker() {
        return broker((c, p) -> {});
    }

    /** A publication of about {@code bytes} bytes of JSON. */
    private static Publication big(int n, int bytes) {
        return Publication.of("message:new", JsonNodeFactory.instance.objectNode().put("n", n).put("text", "x".repeat(bytes)));
    }

    private static List<Long> offsets(HistoryResult h) {
        return h.publications().stream().map(Publication::offset).toList();
    }

    @Test
    void historyIsTrimmedToItsByteBoundOldestFirstInTheSameEpoch() {
        Broker b = broker();
        String ch = unique("bytes");
        StreamPosition last = null;
        for (int i = 1; i <= 20; i++) last = await(b.publish(ch, big(i, 1_000), SMALL));
        HistoryResult h = await(b.history(ch, HistoryQuery.latest(0)));
        assertThat(h.position()).as("offsets and epoch unaffected by trimming").isEqualTo(new StreamPosition(20, last.epoch()));
        assertThat(h.publications()).as("about 1 KB each, 5 KB kept").hasSizeBetween(3, 5);
        assertThat(offsets(h)).as("the newest, contiguous")
                .isEqualTo(LongStream.rangeClosed(21 - h.publications().size(), 20).boxed().toList());
        assertThat(h.earliest()).isEqualTo(h.publications().getFirst().offset());
        StreamPosition behind = new StreamPosition(h.earliest() - 2, last.epoch());
        assertThat(h.canRecoverFrom(behind)).as("a reader behind the trimmed front cannot recover (no partial replay)").isFalse();
        assertThat(h.canRecoverFrom(new StreamPosition(h.earliest() - 1, last.epoch()))).isTrue();
    }

    @Test
    void aPublicationLargerThanTheBoundIsDeliveredButLeavesNoPartialHistory() {
        List<Publication> got = new CopyOnWriteArrayList<>();
        Broker b = broker((c, p) -> got.add(p));
        String ch = unique("huge");
        await(b.subscribe(ch));
        StreamPosition p1 = await(b.publish(ch, big(1, 100), SMALL));
        StreamPosition p2 = await(b.publish(ch, big(2, 8_000), SMALL));
        assertThat(p2).isEqualTo(new StreamPosition(2, p1.epoch()));
        HistoryResult h = await(b.history(ch, HistoryQuery.latest(0)));
        assertThat(h.publications()).isEmpty();
        assertThat(h.earliest()).isEqualTo(3);
        assertThat(h.canRecoverFrom(p2)).isTrue();
        assertThat(h.canRecoverFrom(p1)).as("offset 2 is gone").isFalse();
        await().atMost(10, TimeUnit.SECONDS).until(() -> got.size() == 2);
    }

    @Test
    void aRepeatedIdempotencyKeyPublishesNothingAndAnswersTheOriginalPosition() {
        List<Publication> got = new CopyOnWriteArrayList<>();
        Broker b = broker((c, p) -> got.add(p));
        String ch = unique("idem");
        await(b.subscribe(ch));
        StreamPosition first = await(b.publish(ch, big(1, 10), KEEP.withIdempotencyKey("u1:abc")));
        StreamPosition other = await(b.publish(ch, big(2, 10), KEEP.withIdempotencyKey("u1:def")));
        StreamPosition plain = await(b.publish(ch, big(3, 10), KEEP));
        StreamPosition again = await(b.publish(ch, big(1, 10), KEEP.withIdempotencyKey("u1:abc")));
        assertThat(again).isEqualTo(first);
        assertThat(other.offset()).isEqualTo(2);
        assertThat(plain.offset()).isEqualTo(3);
        assertThat(offsets(await(b.history(ch, HistoryQuery.latest(0))))).containsExactly(1L, 2L, 3L);
        StreamPosition next = await(b.publish(ch, big(4, 10), KEEP));
        assertThat(next.offset()).as("the repeat took no offset").isEqualTo(4);
        await().atMost(10, TimeUnit.SECONDS).until(() -> got.size() == 4);
        assertThat(got).extracting(Publication::offset).containsExactly(1L, 2L, 3L, 4L);
        StreamPosition elsewhere = await(b.publish(unique("idem-other"), big(1, 10), KEEP.withIdempotencyKey("u1:abc")));
        assertThat(elsewhere.offset()).as("keys are per channel").isEqualTo(1);
    }

    @Test
    void anIdempotencyKeyIsKeptExactlyAsLongAsItsHistoryEntry() {
        Broker b = broker();
        String ch = unique("idem-window");
        PublishOptions two = new PublishOptions(2, Duration.ofMinutes(5), Duration.ofMinutes(10));
        StreamPosition first = await(b.publish(ch, big(1, 10), two.withIdempotencyKey("k")));
        assertThat(await(b.publish(ch, big(1, 10), two.withIdempotencyKey("k")))).isEqualTo(first);
        await(b.publish(ch, big(2, 10), two));
        await(b.publish(ch, big(3, 10), two));
        StreamPosition after = await(b.publish(ch, big(1, 10), two.withIdempotencyKey("k")));
        assertThat(after).as("the entry was trimmed, so the key was forgotten").isEqualTo(new StreamPosition(4, first.epoch()));
        assertThat(await(b.publish(ch, big(1, 10), two.withIdempotencyKey("k")))).isEqualTo(after);

        await(b.removeHistory(ch));
        StreamPosition fresh = await(b.publish(ch, big(1, 10), two.withIdempotencyKey("k")));
        assertThat(fresh.offset()).as("removed history forgets its keys").isEqualTo(1);
        assertThat(fresh.epoch()).isNotEqualTo(first.epoch());
    }

    @Test
    void idempotencyKeysAreIgnoredForUnrecordedPublications() {
        List<Publication> got = new CopyOnWriteArrayList<>();
        Broker b = broker((c, p) -> got.add(p));
        String ch = unique("idem-unrecorded");
        await(b.subscribe(ch));
        PublishOptions none = PublishOptions.NO_HISTORY.withIdempotencyKey("k");
        assertThat(await(b.publish(ch, big(1, 10), none)).offset()).isZero();
        assertThat(await(b.publish(ch, big(1, 10), none)).offset()).isZero();
        await().atMost(10, TimeUnit.SECONDS).until(() -> got.size() == 2);
    }

    @Test
    void theDedupeIsSharedByAllNodesOfACluster() {
        assumeTrue(brokersShareBackend(), "engine is single-node");
        Broker a = broker();
        Broker other = broker();
        String ch = unique("idem-cluster");
        StreamPosition first = await(a.publish(ch, big(1, 10), KEEP.withIdempotencyKey("u:1")));
        assertThat(await(other.publish(ch, big(1, 10), KEEP.withIdempotencyKey("u:1")))).isEqualTo(first);
        assertThat(offsets(await(other.history(ch, HistoryQuery.latest(0))))).containsExactly(1L);
    }
}
