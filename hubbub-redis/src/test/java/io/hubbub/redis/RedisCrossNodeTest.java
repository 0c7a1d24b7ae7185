package io.hubbub.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubbub.core.engine.HistoryQuery;
import io.hubbub.core.engine.Publication;
import io.hubbub.core.engine.PublishOptions;
import io.hubbub.core.engine.StreamPosition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Two engines with different node ids on one Redis behave as two nodes of a cluster. */
class RedisCrossNodeTest {
    static RedisServers.Server server;

    @BeforeAll
    static void startRedis() {
        server = RedisServers.single();
    }

    @AfterAll
    static void stopRedis() {
        server.close();
    }

    @Test
    void subscriberOnOneNodeReceivesWhatAnotherPublishesInOrder() throws Exception {
        String prefix = TestEngines.prefix();
        try (RedisEngine a = RedisEngine.start(TestEngines.config(server.uri(), prefix, "a"));
             RedisEngine b = RedisEngine.start(TestEngines.config(server.uri(), prefix, "b"))) {
            Collector onA = new Collector();
            Collector onB = new Collector();
            a.broker().setHandler(onA);
            b.broker().setHandler(onB);
            b.broker().subscribe("room:x").join();
            b.broker().subscribe("room:y").join();
            a.broker().subscribe("room:only-a").join();

            PublishOptions opts = new PublishOptions(1000, Duration.ofMinutes(1), Duration.ofMinutes(5));
            List<CompletableFuture<StreamPosition>> sent = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                String ch = i % 3 == 0 ? "room:y" : "room:x";
                // Both nodes publish to the same channels concurrently.
                RedisEngine from = i % 2 == 0 ? a : b;
                sent.add(from.broker().publish(ch, Publication.of("m", TestEngines.data("i", i)), opts));
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();

            List<Collector.Delivery> got = onB.take(300, 10_000);
            List<Long> x = got.stream().filter(d -> d.channel().equals("room:x")).map(d -> d.publication().offset()).toList();
            List<Long> y = got.stream().filter(d -> d.channel().equals("room:y")).map(d -> d.publication().offset()).toList();
            assertThat(x).containsExactlyElementsOf(RedisBrokerTest.range(1, 200));
            assertThat(y).containsExactlyElementsOf(RedisBrokerTest.range(1, 100));
            assertThat(onA.drain()).as("node a subscribed to neither room").isEmpty();

            // A client that saw offset 150 on node b recovers the rest from node a.
            String epoch = b.broker().history("room:x", HistoryQuery.latest(1)).join().position().epoch();
            var hist = a.broker().history("room:x", HistoryQuery.since(new StreamPosition(150, epoch))).join();
            assertThat(hist.publications()).extracting(Publication::offset).containsExactlyElementsOf(RedisBrokerTest.range(151, 200));

            b.broker().publish("room:only-a", Publication.of("hi", TestEngines.data("k", "v")), opts).join();
            assertThat(onA.take(1, 5_000).getFirst().publication().event()).isEqualTo("hi");
            assertThat(onB.drain()).isEmpty();
        }
    }
}
