package io.hubbub.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hubbub.core.engine.NodeInfo;
import io.hubbub.core.engine.SessionSnapshot;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Node registry and session store on a real Redis, seen from two engines. */
class RedisNodesAndSessionsTest {
    static RedisServers.Server server;
    RedisEngine a;
    RedisEngine b;

    @BeforeAll
    static void startRedis() {
        server = RedisServers.single();
    }

    @AfterAll
    static void stopRedis() {
        server.close();
    }

    @BeforeEach
    void engines() {
        String prefix = TestEngines.prefix();
        a = RedisEngine.start(TestEngines.config(server.uri(), prefix, "a"));
        b = RedisEngine.start(TestEngines.config(server.uri(), prefix, "b"));
    }

    @AfterEach
    void close() {
        a.close();
        b.close();
    }

    @Test
    void liveNodesAreSortedAndExpireWithoutHeartbeat() {
        a.nodes().register(new NodeInfo("node-b", "http://127.0.0.1:2", 5, 1, 2), Duration.ofMinutes(1)).join();
        a.nodes().register(new NodeInfo("node-a", "http://127.0.0.1:1", 3, 1, 2), Duration.ofMillis(400)).join();
        assertThat(b.nodes().live().join()).extracting(NodeInfo::id).containsExactly("node-a", "node-b");
        assertThat(b.nodes().live().join().getFirst()).isEqualTo(new NodeInfo("node-a", "http://127.0.0.1:1", 3, 1, 2));
        await().atMost(Duration.ofSeconds(3)).untilAsserted(() ->
                assertThat(b.nodes().live().join()).extracting(NodeInfo::id).containsExactly("node-b"));
        a.nodes().register(new NodeInfo("node-c", "http://127.0.0.1:3", 0, 1, 2), Duration.ofMinutes(1)).join();
        b.nodes().deregister("node-b").join();
        assertThat(a.nodes().live().join()).extracting(NodeInfo::id).containsExactly("node-c");
    }

    @Test
    void sessionsAreTakenAtMostOnce() {
        SessionSnapshot s = new SessionSnapshot("sess-1", "alice", Set.of("r1", "r2"), Set.of("t1"), 42L);
        a.sessions().save(s, Duration.ofMinutes(1)).join();
        assertThat(b.sessions().load("sess-1").join()).contains(s);
        CompletableFuture<Optional<SessionSnapshot>> t1 = a.sessions().take("sess-1");
        CompletableFuture<Optional<SessionSnapshot>> t2 = b.sessions().take("sess-1");
        assertThat(t1.join().isPresent() ^ t2.join().isPresent()).as("exactly one take wins").isTrue();
        assertThat(a.sessions().load("sess-1").join()).isEmpty();

        a.sessions().save(new SessionSnapshot("sess-2", "bob", Set.of(), Set.of(), 1L), Duration.ofMinutes(1)).join();
        b.sessions().delete("sess-2").join();
        assertThat(a.sessions().take("sess-2").join()).isEmpty();

        a.sessions().save(new SessionSnapshot("sess-3", "bob", Set.of(), Set.of(), 1L), Duration.ofMillis(300)).join();
        await().atMost(Duration.ofSeconds(3)).until(() -> b.sessions().load("sess-3").join().isEmpty());
    }

    @Test
    void pingAnswersAndEngineIsConnected() {
        a.ping().join();
        assertThat(a.connected()).isTrue();
        assertThat(a.name()).isEqualTo("redis");
    }
}
