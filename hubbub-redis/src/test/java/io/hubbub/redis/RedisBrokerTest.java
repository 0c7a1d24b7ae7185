package io.hubbub.redis;

import static io.hubbub.redis.TestEngines.data;
import static org.assertj.core.api.Assertions.assertThat;

import io.hubbub.core.engine.HistoryQuery;
import io.hubbub.core.engine.HistoryResult;
import io.hubbub.core.engine.Publication;
import io.hubbub.core.engine.PublishOptions;
import io.hubbub.core.engine.StreamPosition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Redis broker against a real single Redis: offsets, ordering, history reads and trimming, epochs. */
class RedisBrokerTest {
    static RedisServers.Server server;
    RedisEngine engine;
    Collector collector;

    static final PublishOptions KEEP_10 = new PublishOptions(10, Duration.ofMinutes(5), Duration.ofMinutes(10));

    @BeforeAll
    static void startRedis() {
        server = RedisServers.single();
    }

    @AfterAll
    static void stopRedis() {
        server.close();
    }

    @BeforeEach
    void startEngine() {
        engine = RedisEngine.start(TestEngines.config(server.uri(), TestEngines.prefix(), "n1"));
        collector = new Collector();
        engine.broker().setHandler(collector);
    }

    @AfterEach
    void closeEngine() {
        engine.close();
    }

    private StreamPosition publish(String channel, String event, PublishOptions o) {
        return engine.broker().publish(channel, Publication.of(event, data("v", event)), o).join();
    }

    @Test
    void offsetsIncreaseByOneAndDeliveryFollowsOffsetOrder() throws Exception {
        engine.broker().subscribe("room:a").join();
        List<CompletableFuture<StreamPosition>> futures = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            futures.add(engine.broker().publish("room:a", Publication.of("m", data("i", i)), new PublishOptions(500, Duration.ZERO, Duration.ZERO)));
        }
        List<StreamPosition> positions = futures.stream().map(CompletableFuture::join).toList();
        assertThat(positions).extracting(StreamPosition::offset).containsExactlyInAnyOrderElementsOf(range(1, 200));
        assertThat(positions).extracting(StreamPosition::epoch).containsOnly(positions.getFirst().epoch());

        List<Collector.Delivery> got = collector.take(200, 10_000);
        assertThat(got).extracting(d -> d.publication().offset()).containsExactlyElementsOf(range(1, 200));
        assertThat(got).allSatisfy(d -> {
            assertThat(d.channel()).isEqualTo("room:a");
            assertThat(d.publication().time()).isPositive();
        });
        assertThat(collector.overlapped).isFalse();
    }

    @Test
    void historySinceLatestAndReverse() {
        for (int i = 1; i <= 10; i++) publish("h", "e" + i, KEEP_10);
        HistoryResult all = engine.broker().history("h", HistoryQuery.latest(0)).join();
        String epoch = all.position().epoch();
        assertThat(all.position().offset()).isEqualTo(10);
        assertThat(all.earliest()).isEqualTo(1);
        assertThat(all.publications()).extracting(Publication::event).containsExactlyElementsOf(
                range(1, 10).stream().map(i -> "e" + i).toList());
        assertThat(all.publications().get(2).data().get("v").asText()).isEqualTo("e3");

        HistoryResult since = engine.broker().history("h", HistoryQuery.since(new StreamPosition(3, epoch))).join();
        assertThat(since.publications()).extracting(Publication::offset).containsExactlyElementsOf(range(4, 10));
        assertThat(since.canRecoverFrom(new StreamPosition(3, epoch))).isTrue();

        HistoryResult sinceLimited = engine.broker().history("h", new HistoryQuery(new StreamPosition(3, epoch), 2, false)).join();
        assertThat(sinceLimited.publications()).extracting(Publication::offset).containsExactly(4L, 5L);

        assertThat(engine.broker().history("h", HistoryQuery.latest(3)).join().publications())
                .extracting(Publication::offset).containsExactly(8L, 9L, 10L);
        assertThat(engine.broker().history("h", new HistoryQuery(null, 3, true)).join().publications())
                .extracting(Publication::offset).containsExactly(10L, 9L, 8L);

        HistoryResult otherEpoch = engine.broker().history("h", HistoryQuery.since(new StreamPosition(3, "nope"))).join();
        assertThat(otherEpoch.publications()).isEmpty();
        assertThat(otherEpoch.canRecoverFrom(new StreamPosition(3, "nope"))).isFalse();
    }

    @Test
    void sizeTrimmingKeepsEarliestExact() {
        PublishOptions keep5 = new PublishOptions(5, Duration.ZERO, Duration.ZERO);
        for (int i = 1; i <= 12; i++) publish("s", "e" + i, keep5);
        HistoryResult r = engine.broker().history("s", HistoryQuery.latest(0)).join();
        assertThat(r.publications()).extracting(Publication::offset).containsExactly(8L, 9L, 10L, 11L, 12L);
        assertThat(r.earliest()).isEqualTo(8);
        assertThat(r.position().offset()).isEqualTo(12);
        assertThat(r.canRecoverFrom(new StreamPosition(7, r.position().epoch()))).isTrue();
        assertThat(r.canRecoverFrom(new StreamPosition(6, r.position().epoch()))).isFalse();
    }

    @Test
    void ageTrimmingOnPublishAndOnRead() throws Exception {
        PublishOptions shortLived = new PublishOptions(100, Duration.ofMillis(300), Duration.ofMinutes(1));
        for (int i = 0; i < 3; i++) publish("age", "old", shortLived);
        Thread.sleep(450);
        publish("age", "new", shortLived);
        HistoryResult r = engine.broker().history("age", HistoryQuery.latest(0)).join();
        assertThat(r.publications()).extracting(Publication::event).containsExactly("new");
        assertThat(r.earliest()).isEqualTo(4);

        Thread.sleep(450);
        HistoryResult later = engine.broker().history("age", HistoryQuery.latest(0)).join();
        assertThat(later.publications()).isEmpty();
        assertThat(later.position().offset()).isEqualTo(4);
        assertThat(later.earliest()).isEqualTo(5);
        assertThat(later.position().epoch()).isEqualTo(r.position().epoch());
    }

    @Test
    void epochIsStableFromFirstReadAndChangesWhenHistoryIsLost() throws Exception {
        HistoryResult empty = engine.broker().history("ep", HistoryQuery.latest(0)).join();
        assertThat(empty.position().offset()).isZero();
        assertThat(empty.earliest()).isEqualTo(1);
        StreamPosition first = publish("ep", "a", KEEP_10);
        assertThat(first).isEqualTo(new StreamPosition(1, empty.position().epoch()));

        engine.broker().removeHistory("ep").join();
        StreamPosition afterRemove = publish("ep", "b", KEEP_10);
        assertThat(afterRemove.offset()).isEqualTo(1);
        assertThat(afterRemove.epoch()).isNotEqualTo(first.epoch());

        PublishOptions idleExpiry = new PublishOptions(10, Duration.ZERO, Duration.ofMillis(300));
        StreamPosition beforeIdle = publish("ep", "c", idleExpiry);
        Thread.sleep(600);
        StreamPosition afterIdle = publish("ep", "d", idleExpiry);
        assertThat(afterIdle.offset()).isEqualTo(1);
        assertThat(afterIdle.epoch()).isNotEqualTo(beforeIdle.epoch());
    }

    @Test
    void ephemeralAndUnrecordedPublicationsAreDeliveredWithOffsetZeroAndNotKept() throws Exception {
        engine.broker().subscribe("eph").join();
        Publication typing = new Publication("typing", data("u", "alice"), 0, 0, "sess-1", true);
        assertThat(engine.broker().publish("eph", typing, KEEP_10).join().offset()).isZero();
        assertThat(engine.broker().publish("eph", Publication.of("plain", data("x", 1)), PublishOptions.NO_HISTORY).join().offset()).isZero();
        List<Collector.Delivery> got = collector.take(2, 5_000);
        Publication p = got.get(0).publication();
        assertThat(p.event()).isEqualTo("typing");
        assertThat(p.ephemeral()).isTrue();
        assertThat(p.excludeSession()).isEqualTo("sess-1");
        assertThat(p.offset()).isZero();
        assertThat(p.data().get("u").asText()).isEqualTo("alice");
        assertThat(got.get(1).publication().event()).isEqualTo("plain");
        assertThat(engine.broker().history("eph", HistoryQuery.latest(0)).join().publications()).isEmpty();
    }

    @Test
    void unsubscribeStopsDelivery() throws Exception {
        engine.broker().subscribe("u1").join();
        engine.broker().subscribe("u1").join(); // idempotent
        publish("u1", "before", KEEP_10);
        assertThat(collector.take(1, 5_000).getFirst().publication().event()).isEqualTo("before");
        engine.broker().unsubscribe("u1").join();
        engine.broker().unsubscribe("u1").join();
        publish("u1", "after", KEEP_10);
        // A publication on another channel published later acts as a barrier on the same connection.
        engine.broker().subscribe("u2").join();
        publish("u2", "barrier", KEEP_10);
        Collector.Delivery d = collector.take(1, 5_000).getFirst();
        assertThat(d.channel()).isEqualTo("u2");
        assertThat(collector.drain()).isEmpty();
        assertThat(engine.broker().subscriptions()).containsExactly("u2");
    }

    static List<Long> range(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long i = from; i <= to; i++) out.add(i);
        return out;
    }
}
