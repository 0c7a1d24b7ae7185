package io.hubbub.core.engine.contract;

import static io.hubbub.core.engine.contract.Contracts.await;
import static io.hubbub.core.engine.contract.Contracts.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.engine.Broker;
import io.hubbub.core.engine.BrokerHandler;
import io.hubbub.core.engine.HistoryQuery;
import io.hubbub.core.engine.HistoryResult;
import io.hubbub.core.engine.Publication;
import io.hubbub.core.engine.PublishOptions;
import io.hubbub.core.engine.StreamPosition;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The guarantees of {@link Broker} (and of {@link HistoryResult#canRecoverFrom}) that every engine must
 * give. A subclass supplies brokers; each test uses its own channels, so suites may share a backend.
 */
public abstract class BrokerContract {
    /** History kept long enough not to be trimmed by age during a test. */
    protected static final PublishOptions KEEP = new PublishOptions(100, Duration.ofMinutes(5), Duration.ofMinutes(10));

    private final List<Broker> brokers = new CopyOnWriteArrayList<>();

    /** A new broker (one node) on the engine's backend. It is closed by the suite after each test. */
    protected abstract Broker newBroker();

    /**
     * True if brokers from {@link #newBroker} share one backend (several nodes of one cluster), so a
     * publication on one is delivered to and recorded for the others. Single-node engines keep false.
     */
    protected boolean brokersShareBackend() {
        return false;
    }

    /** Teardown hook, called after the suite closed the test's brokers. */
    protected void afterEachTest() {}

    @AfterEach
    final void closeBrokers() {
        for (Broker b : brokers) b.close();
        brokers.clear();
        afterEachTest();
    }

    /** Records deliveries per channel and notes any concurrent call for one channel. */
    protected static final class Recorder implements BrokerHandler {
        final ConcurrentHashMap<String, List<Publication>> received = new ConcurrentHashMap<>();
        final ConcurrentHashMap<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
        final AtomicInteger overlaps = new AtomicInteger();

        @Override
        public void onPublication(String channel, Publication publication) {
            AtomicInteger busy = inFlight.computeIfAbsent(channel, c -> new AtomicInteger());
            if (busy.incrementAndGet() != 1) overlaps.incrementAndGet();
            try {
                received.computeIfAbsent(channel, c -> Collections.synchronizedList(new ArrayList<>())).add(publication);
            } finally {
                busy.decrementAndGet();
            }
        }

        List<Publication> of(String channel) {
            List<Publication> l = received.get(channel);
            if (l == null) return List.of();
            synchronized (l) {
                return List.copyOf(l);
            }
        }

        List<Long> offsets(String channel) {
            return of(channel).stream().map(Publication::offset).toList();
        }
    }

    private Broker broker(Recorder recorder) {
        Broker b = newBroker();
        brokers.add(b);
        b.setHandler(recorder);
        return b;
    }

    private static Publication pub(String event, int n) {
        ObjectNode data = JsonNodeFactory.instance.objectNode().put("n", n);
        return Publication.of(event, data);
    }

    private static Publication ephemeral(int n) {
        return new Publication("typing:start", JsonNodeFactory.instance.objectNode().put("n", n), 0, 0, null, true);
    }

    private static List<StreamPosition> publish(Broker b, String channel, int count, PublishOptions options) {
        List<StreamPosition> out = new ArrayList<>();
        for (int i = 1; i <= count; i++) out.add(await(b.publish(channel, pub("message:new", i), options)));
        return out;
    }

    private static List<Long> offsets(List<Publication> pubs) {
        return pubs.stream().map(Publication::offset).toList();
    }

    private static List<Long> range(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    private static HistoryResult history(Broker b, String channel, HistoryQuery q) {
        return await(b.history(channel, q));
    }

    private static HistoryResult all(Broker b, String channel) {
        return await(b.history(channel, HistoryQuery.latest(0)));
    }

    @Test
    void recordedOffsetsIncreaseByOneInOneEpoch() {
        Broker b = broker(new Recorder());
        String ch = unique("offsets");
        List<StreamPosition> positions = publish(b, ch, 5, KEEP);
        assertThat(positions).extracting(StreamPosition::offset).containsExactly(1L, 2L, 3L, 4L, 5L);
        String epoch = positions.getFirst().epoch();
        assertThat(epoch).isNotBlank();
        assertThat(positions).extracting(StreamPosition::epoch).containsOnly(epoch);
        HistoryResult h = all(b, ch);
        assertThat(h.position()).isEqualTo(new StreamPosition(5, epoch));
        assertThat(h.earliest()).isEqualTo(1);
        assertThat(offsets(h.publications())).isEqualTo(range(1, 5));
        assertThat(h.publications()).extracting(p -> p.data().get("n").asInt()).containsExactly(1, 2, 3, 4, 5);
        assertThat(h.publications()).allSatisfy(p -> assertThat(p.time()).isPositive());
    }

    @Test
    void channelsHaveIndependentStreams() {
        Broker b = broker(new Recorder());
        String a = unique("indep-a");
        String c = unique("indep-c");
        publish(b, a, 3, KEEP);
        StreamPosition first = await(b.publish(c, pub("message:new", 1), KEEP));
        assertThat(first.offset()).isEqualTo(1);
        assertThat(all(b, a).position().offset()).isEqualTo(3);
    }

    @Test
    void deliversOnlySubscribedChannelsWithAssignedPosition() {
        Recorder rec = new Recorder();
        Broker b = broker(rec);
        String subscribed = unique("sub");
        String other = unique("other");
        await(b.subscribe(subscribed));
        await(b.publish(other, pub("message:new", 0), KEEP));
        Publication sent = new Publication("message:new", JsonNodeFactory.instance.objectNode().put("n", 1), 0, 0, "s-1", false);
        StreamPosition pos = await(b.publish(subscribed, sent, KEEP));

        await().atMost(5, TimeUnit.SECONDS).until(() -> rec.of(subscribed).size() == 1);
        Publication got = rec.of(subscribed).getFirst();
        assertThat(got.offset()).isEqualTo(pos.offset()).isEqualTo(1);
        assertThat(got.epoch()).as("delivered publications carry their epoch").isEqualTo(pos.epoch()).isNotBlank();
        assertThat(got.event()).isEqualTo("message:new");
        assertThat(got.data()).isEqualTo(sent.data());
        assertThat(got.excludeSession()).isEqualTo("s-1");
        assertThat(got.time()).isPositive();
        sleep(300);
        assertThat(rec.of(other)).isEmpty();
    }

    @Test
    void subscribeIsIdempotentAndUnsubscribeStopsDelivery() {
        Recorder rec = new Recorder();
        Broker b = broker(rec);
        String ch = unique("unsub");
        await(b.subscribe(ch));
        await(b.subscribe(ch));
        await(b.publish(ch, pub("message:new", 1), KEEP));
        await().atMost(5, TimeUnit.SECONDS).until(() -> rec.of(ch).size() == 1);
        sleep(200);
        assertThat(rec.of(ch)).as("one delivery despite two subscribes").hasSize(1);

        await(b.unsubscribe(ch));
        await(b.unsubscribe(ch));
        await(b.publish(ch, pub("message:new", 2), KEEP));
        await(b.publish(ch, ephemeral(3), KEEP));
        sleep(300);
        assertThat(rec.offsets(ch)).containsExactly(1L);
        assertThat(all(b, ch).position().offset()).as("still recorded while nobody listens").isEqualTo(2);

        await(b.subscribe(ch));
        await(b.publish(ch, pub("message:new", 4), KEEP));
        await().atMost(5, TimeUnit.SECONDS).until(() -> rec.of(ch).size() == 2);
        assertThat(rec.offsets(ch)).containsExactly(1L, 3L);
    }

    @Test
    void concurrentPublishersAreDeliveredInOffsetOrderWithoutGaps() throws Exception {
        Recorder rec = new Recorder();
        Broker b = broker(rec);
        String ch = unique("order");
        await(b.subscribe(ch));
        int threads = 8;
        int perThread = 250;
        int total = threads * perThread;
        PublishOptions options = new PublishOptions(total, Duration.ofMinutes(5), Duration.ofMinutes(10));
        Set<Long> assigned = ConcurrentHashMap.newKeySet();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        assigned.add(b.publish(ch, pub("message:new", id * perThread + i), options).get(10, TimeUnit.SECONDS).offset());
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        start.countDown();
        for (Thread w : workers) w.join(TimeUnit.SECONDS.toMillis(60));
        assertThat(failures).isEmpty();
        assertThat(assigned).as("every publish got its own offset").hasSize(total);
        assertThat(assigned).containsExactlyInAnyOrderElementsOf(range(1, total));

        await().atMost(20, TimeUnit.SECONDS).until(() -> rec.of(ch).size() >= total);
        assertThat(rec.offsets(ch)).as("delivery order is offset order, no gaps").isEqualTo(range(1, total));
        assertThat(rec.overlaps.get()).as("handler never called concurrently for one channel").isZero();
        assertThat(offsets(all(b, ch).publications())).isEqualTo(range(1, total));
    }

    @Test
    void ephemeralAndUnrecordedPublicationsAreDeliveredButNotRecorded() {
        Recorder rec = new Recorder();
        Broker b = broker(rec);
        String ch = unique("ephemeral");
        await(b.subscribe(ch));
        StreamPosition first = await(b.publish(ch, pub("message:new", 1), KEEP));
        StreamPosition eph = await(b.publish(ch, ephemeral(2), KEEP));
        StreamPosition unrecorded = await(b.publish(ch, pub("cursor:move", 3), PublishOptions.NO_HISTORY));
        StreamPosition next = await(b.publish(ch, pub("message:new", 4), KEEP));

        assertThat(eph.offset()).isZero();
        assertThat(unrecorded.offset()).isZero();
        assertThat(next).isEqualTo(new StreamPosition(2, first.epoch()));
        await().atMost(5, TimeUnit.SECONDS).until(() -> rec.of(ch).size() == 4);
        assertThat(rec.of(ch)).extracting(p -> p.data().get("n").asInt()).containsExactly(1, 2, 3, 4);
        assertThat(rec.offsets(ch)).containsExactly(1L, 0L, 0L, 2L);
        assertThat(rec.of(ch).get(1).ephemeral()).isTrue();

        HistoryResult h = all(b, ch);
        assertThat(h.publications()).extracting(p -> p.data().get("n").asInt()).containsExactly(1, 4);
        assertThat(h.position()).isEqualTo(next);
    }

    @Test
    void latestWithLimitAndReverse() {
        Broker b = broker(new Recorder());
        String ch = unique("latest");
        String epoch = publish(b, ch, 10, KEEP).getFirst().epoch();

        HistoryResult last3 = history(b, ch, HistoryQuery.latest(3));
        assertThat(offsets(last3.publications())).containsExactly(8L, 9L, 10L);
        assertThat(last3.position()).isEqualTo(new StreamPosition(10, epoch));
        assertThat(last3.earliest()).isEqualTo(1);
        assertThat(offsets(history(b, ch, new HistoryQuery(null, 3, true)).publications())).containsExactly(10L, 9L, 8L);
        assertThat(offsets(history(b, ch, new HistoryQuery(null, 0, true)).publications())).isEqualTo(range(1, 10).reversed());
        assertThat(offsets(history(b, ch, HistoryQuery.latest(50)).publications())).isEqualTo(range(1, 10));
        assertThat(offsets(history(b, ch, HistoryQuery.latest(0)).publications())).isEqualTo(range(1, 10));
    }

    @Test
    void sinceReturnsLaterPublicationsAscendingWithLimit() {
        Broker b = broker(new Recorder());
        String ch = unique("since");
        String epoch = publish(b, ch, 10, KEEP).getFirst().epoch();

        assertThat(offsets(history(b, ch, HistoryQuery.since(new StreamPosition(4, epoch))).publications())).isEqualTo(range(5, 10));
        assertThat(offsets(history(b, ch, new HistoryQuery(new StreamPosition(4, epoch), 3, false)).publications()))
                .containsExactly(5L, 6L, 7L);
        assertThat(offsets(history(b, ch, HistoryQuery.since(new StreamPosition(0, epoch))).publications())).isEqualTo(range(1, 10));
        assertThat(history(b, ch, HistoryQuery.since(new StreamPosition(10, epoch))).publications()).isEmpty();
        assertThat(offsets(history(b, ch, new HistoryQuery(new StreamPosition(6, epoch), 3, true)).publications()))
                .as("reverse with since pages backwards").containsExactly(5L, 4L, 3L);
        assertThat(offsets(history(b, ch, new HistoryQuery(new StreamPosition(3, epoch), 0, true)).publications()))
                .containsExactly(2L, 1L);

        HistoryResult otherEpoch = history(b, ch, HistoryQuery.since(new StreamPosition(4, epoch + "x")));
        assertThat(otherEpoch.publications()).as("nothing from another epoch").isEmpty();
        assertThat(otherEpoch.position()).isEqualTo(new StreamPosition(10, epoch));
    }

    @Test
    void historyIsTrimmedToItsSize() {
        Broker b = broker(new Recorder());
        String ch = unique("size");
        PublishOptions five = new PublishOptions(5, Duration.ofMinutes(5), Duration.ofMinutes(10));
        String epoch = publish(b, ch, 12, five).getFirst().epoch();

        HistoryResult h = all(b, ch);
        assertThat(offsets(h.publications())).containsExactly(8L, 9L, 10L, 11L, 12L);
        assertThat(h.earliest()).isEqualTo(8);
        assertThat(h.position()).isEqualTo(new StreamPosition(12, epoch));
        assertThat(h.canRecoverFrom(new StreamPosition(7, epoch))).isTrue();
        assertThat(h.canRecoverFrom(new StreamPosition(12, epoch))).isTrue();
        assertThat(h.canRecoverFrom(new StreamPosition(6, epoch))).as("offset 7 was trimmed").isFalse();
        assertThat(offsets(history(b, ch, HistoryQuery.since(new StreamPosition(7, epoch))).publications())).isEqualTo(range(8, 12));
        assertThat(await(b.publish(ch, pub("message:new", 13), five))).isEqualTo(new StreamPosition(13, epoch));
    }

    @Test
    void historyIsTrimmedByAgeWhileTheStreamLives() {
        Broker b = broker(new Recorder());
        String ch = unique("age");
        PublishOptions oneSecond = new PublishOptions(100, Duration.ofSeconds(1), Duration.ofMinutes(5));
        String epoch = publish(b, ch, 3, oneSecond).getFirst().epoch();
        assertThat(all(b, ch).publications()).hasSize(3);

        await().atMost(6, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(100))
                .until(() -> all(b, ch).publications().isEmpty());
        HistoryResult h = all(b, ch);
        assertThat(h.position()).as("top and epoch survive trimming").isEqualTo(new StreamPosition(3, epoch));
        assertThat(h.earliest()).isEqualTo(4);
        assertThat(h.canRecoverFrom(new StreamPosition(3, epoch))).as("nothing missed").isTrue();
        assertThat(h.canRecoverFrom(new StreamPosition(2, epoch))).as("offset 3 aged out").isFalse();

        assertThat(await(b.publish(ch, pub("message:new", 4), oneSecond))).isEqualTo(new StreamPosition(4, epoch));
        HistoryResult after = all(b, ch);
        assertThat(offsets(after.publications())).containsExactly(4L);
        assertThat(after.earliest()).isEqualTo(4);
    }

    @Test
    void idleStreamExpiresAndTheNextOneHasANewEpoch() {
        Broker b = broker(new Recorder());
        String ch = unique("stream-ttl");
        PublishOptions shortStream = new PublishOptions(100, Duration.ofSeconds(1), Duration.ofSeconds(1));
        StreamPosition old = publish(b, ch, 2, shortStream).getLast();

        await().atMost(8, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(200))
                .until(() -> !all(b, ch).position().epoch().equals(old.epoch()));
        HistoryResult h = all(b, ch);
        assertThat(h.position().offset()).isZero();
        assertThat(h.publications()).isEmpty();
        assertThat(h.canRecoverFrom(old)).isFalse();
        StreamPosition fresh = await(b.publish(ch, pub("message:new", 3), shortStream));
        assertThat(fresh.offset()).isEqualTo(1);
        assertThat(fresh.epoch()).isNotEqualTo(old.epoch());
    }

    @Test
    void removeHistoryStartsANewEpoch() {
        Broker b = broker(new Recorder());
        String ch = unique("remove");
        StreamPosition old = publish(b, ch, 3, KEEP).getLast();
        await(b.removeHistory(ch));

        StreamPosition fresh = await(b.publish(ch, pub("message:new", 4), KEEP));
        assertThat(fresh.offset()).isEqualTo(1);
        assertThat(fresh.epoch()).isNotBlank().isNotEqualTo(old.epoch());
        HistoryResult h = all(b, ch);
        assertThat(h.publications()).extracting(p -> p.data().get("n").asInt()).containsExactly(4);
        assertThat(h.canRecoverFrom(old)).isFalse();
        assertThat(history(b, ch, HistoryQuery.since(old)).publications()).isEmpty();
    }

    @Test
    void positionReadBeforeTheFirstPublicationStaysRecoverable() {
        Broker b = broker(new Recorder());
        String ch = unique("fresh");
        HistoryResult empty = all(b, ch);
        assertThat(empty.publications()).isEmpty();
        assertThat(empty.position().offset()).isZero();
        assertThat(empty.position().epoch()).isNotBlank();
        assertThat(empty.earliest()).isEqualTo(1);
        assertThat(empty.canRecoverFrom(empty.position())).isTrue();
        assertThat(all(b, ch).position()).as("reading again keeps the epoch").isEqualTo(empty.position());

        StreamPosition first = await(b.publish(ch, pub("message:new", 1), KEEP));
        assertThat(first).isEqualTo(new StreamPosition(1, empty.position().epoch()));
        HistoryResult h = history(b, ch, HistoryQuery.since(empty.position()));
        assertThat(h.canRecoverFrom(empty.position())).isTrue();
        assertThat(offsets(h.publications())).containsExactly(1L);
    }

    @Test
    void canRecoverFromRejectsUnknownFutureAndForeignPositions() {
        Broker b = broker(new Recorder());
        String ch = unique("recover");
        String epoch = publish(b, ch, 3, KEEP).getFirst().epoch();
        HistoryResult h = all(b, ch);
        assertThat(h.canRecoverFrom(new StreamPosition(0, epoch))).isTrue();
        assertThat(h.canRecoverFrom(new StreamPosition(2, epoch))).isTrue();
        assertThat(h.canRecoverFrom(new StreamPosition(4, epoch))).as("beyond the top").isFalse();
        assertThat(h.canRecoverFrom(new StreamPosition(2, "other-" + epoch))).as("another epoch").isFalse();
        assertThat(h.canRecoverFrom(new StreamPosition(2, null))).isFalse();
        assertThat(h.canRecoverFrom(null)).isFalse();
    }

    @Test
    void aClosedBrokerRefusesPublicationsWithUnavailable() {
        Broker b = broker(new Recorder());
        String ch = unique("closed");
        await(b.publish(ch, pub("message:new", 1), KEEP));
        b.close();
        CompletableFuture<StreamPosition> f;
        try {
            f = b.publish(ch, pub("message:new", 2), KEEP);
        } catch (HubbubException e) {
            f = CompletableFuture.failedFuture(e);
        }
        CompletableFuture<StreamPosition> refused = f;
        assertThatThrownBy(() -> refused.get(10, TimeUnit.SECONDS))
                .isInstanceOf(ExecutionException.class)
                .satisfies(e -> assertThat(HubbubException.from(e).code()).isEqualTo(ErrorCode.UNAVAILABLE));
    }

    @Test
    void nodesSharingABackendSeeEachOthersPublications() {
        assumeTrue(brokersShareBackend(), "engine is single-node");
        Recorder recA = new Recorder();
        Recorder recB = new Recorder();
        Broker a = broker(recA);
        Broker other = broker(recB);
        String ch = unique("cluster");
        await(a.subscribe(ch));
        await(other.subscribe(ch));
        StreamPosition p1 = await(a.publish(ch, pub("message:new", 1), KEEP));
        StreamPosition p2 = await(other.publish(ch, pub("message:new", 2), KEEP));
        assertThat(p2).isEqualTo(new StreamPosition(2, p1.epoch()));
        await().atMost(10, TimeUnit.SECONDS).until(() -> recA.of(ch).size() == 2 && recB.of(ch).size() == 2);
        assertThat(recA.offsets(ch)).containsExactly(1L, 2L);
        assertThat(recB.offsets(ch)).containsExactly(1L, 2L);
        assertThat(offsets(all(other, ch).publications())).containsExactly(1L, 2L);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
