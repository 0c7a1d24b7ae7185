package io.hubbub.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubbub.core.engine.ClientInfo;
import io.hubbub.core.engine.HistoryQuery;
import io.hubbub.core.engine.HistoryResult;
import io.hubbub.core.engine.NodeInfo;
import io.hubbub.core.engine.PresenceChange;
import io.hubbub.core.engine.Publication;
import io.hubbub.core.engine.PublishOptions;
import io.hubbub.core.engine.SessionSnapshot;
import io.hubbub.core.engine.StreamPosition;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine on a real 3-master Redis Cluster (Redis 7, sharded pub/sub), built on loopback by the test.
 * Channels are spread over many slots, so every master serves some of them.
 */
class RedisClusterTest {
    static RedisServers.Cluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = RedisServers.cluster();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) cluster.close();
    }

    static RedisEngine engine(String prefix, String node) {
        return RedisEngine.start(RedisEngineConfig.cluster(cluster.uris(), node).withPrefix(prefix)
                .withTimeouts(Duration.ofSeconds(3), Duration.ofSeconds(1)));
    }

    @Test
    void shardedPublishSubscribeAndHistoryAcrossNodes() throws Exception {
        String prefix = TestEngines.prefix();
        try (RedisEngine a = engine(prefix, "a"); RedisEngine b = engine(prefix, "b")) {
            Collector onB = new Collector();
            b.broker().setHandler(onB);
            a.broker().setHandler(new Collector());
            int channels = 12;
            int perChannel = 25;
            for (int c = 0; c < channels; c++) b.broker().subscribe("room:" + c).join();
            PublishOptions opts = new PublishOptions(100, Duration.ofMinutes(1), Duration.ofMinutes(5));
            List<CompletableFuture<StreamPosition>> sent = new ArrayList<>();
            for (int i = 0; i < perChannel; i++) {
                for (int c = 0; c < channels; c++) {
                    sent.add(a.broker().publish("room:" + c, Publication.of("m", TestEngines.data("i", i)), opts));
                }
            }
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
            List<Collector.Delivery> got = onB.take(channels * perChannel, 15_000);
            for (int c = 0; c < channels; c++) {
                String ch = "room:" + c;
                assertThat(got.stream().filter(d -> d.channel().equals(ch)).map(d -> d.publication().offset()).toList())
                        .as(ch).containsExactlyElementsOf(RedisBrokerTest.range(1, perChannel));
            }
            HistoryResult h = b.broker().history("room:3", HistoryQuery.since(new StreamPosition(20, got.stream()
                    .filter(d -> d.channel().equals("room:3")).findFirst().orElseThrow().publication().epoch()))).join();
            assertThat(h.publications()).extracting(Publication::offset).containsExactly(21L, 22L, 23L, 24L, 25L);
            assertThat(h.earliest()).isEqualTo(1);

            // Ephemeral publications go through SPUBLISH too.
            a.broker().publish("room:5", Publication.ephemeral("typing", TestEngines.data("u", "x"), null), opts).join();
            assertThat(onB.take(1, 5_000).getFirst().publication().event()).isEqualTo("typing");

            b.broker().unsubscribe("room:5").join();
            a.broker().publish("room:5", Publication.of("m", TestEngines.data("i", "late")), opts).join();
            a.broker().publish("room:6", Publication.of("m", TestEngines.data("i", "barrier")), opts).join();
            assertThat(onB.take(1, 5_000).getFirst().channel()).isEqualTo("room:6");
        }
    }

    @Test
    void presenceNodesAndSessionsWorkOnTheCluster() {
        String prefix = TestEngines.prefix();
        try (RedisEngine a = engine(prefix, "a"); RedisEngine b = engine(prefix, "b")) {
            ClientInfo alice1 = new ClientInfo("s1", "alice", "Alice", 1L, "active", null);
            ClientInfo alice2 = new ClientInfo("s2", "alice", "Alice", 2L, "active", null);
            assertThat(a.presence().add("room:p", alice1).join()).isEqualTo(new PresenceChange(true, 1));
            assertThat(b.presence().add("room:p", alice2).join()).isEqualTo(new PresenceChange(false, 2));
            assertThat(b.presence().presence("room:p").join()).hasSize(2);
            assertThat(a.presence().remove("room:p", "s1", "alice").join()).isEqualTo(new PresenceChange(false, 1));

            a.nodes().register(new NodeInfo("n2", "http://127.0.0.1:2", 0, 1, 1), Duration.ofMinutes(1)).join();
            b.nodes().register(new NodeInfo("n1", "http://127.0.0.1:1", 0, 1, 1), Duration.ofMinutes(1)).join();
            assertThat(a.nodes().live().join()).extracting(NodeInfo::id).containsExactly("n1", "n2");

            a.sessions().save(new SessionSnapshot("x", "alice", Set.of("room:p"), Set.of(), 1L), Duration.ofMinutes(1)).join();
            assertThat(b.sessions().take("x").join()).isPresent();
            assertThat(a.sessions().take("x").join()).isEmpty();
            a.ping().join();
            assertThat(a.connected()).isTrue();
        }
    }

    @Test
    void roomDirectoryAndRoomStateWorkOnTheCluster() {
        String prefix = TestEngines.prefix();
        try (RedisEngine a = engine(prefix, "a"); RedisEngine b = engine(prefix, "b")) {
            for (int r = 0; r < 6; r++) { // rooms spread over the masters; each room's keys share one slot
                String room = "state-" + r;
                assertThat(a.rooms().create(new io.hubbub.core.engine.RoomEntry(room, "{}", "u", 1L, "u"), Duration.ofMinutes(1)).join()).isTrue();
                assertThat(b.rooms().create(new io.hubbub.core.engine.RoomEntry(room, "{}", "v", 2L, "v"), Duration.ofMinutes(1)).join()).isFalse();
                a.roomState().put(room, "k", "v" + r).join();
                a.roomState().incrementScore(room, "points", "ann", r).join();
                b.roomState().incrementScore(room, "other", "bob", 1).join();
                assertThat(b.roomState().get(room, "k").join()).contains("v" + r);
                assertThat(b.roomState().rank(room, "points", "ann").join()).isPresent();
                b.roomState().clear(room).join();
                assertThat(a.roomState().top(room, "points", 5).join()).isEmpty();
                assertThat(a.roomState().entries(room).join()).isEmpty();
            }
        }
    }
}
