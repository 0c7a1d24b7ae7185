package io.hubbub.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hubbub.core.engine.ClientInfo;
import io.hubbub.core.engine.PresenceChange;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Cluster-wide presence with two engines ("nodes") on one real Redis: de-duplication and dead-node expiry. */
class RedisPresenceTest {
    static RedisServers.Server server;

    @BeforeAll
    static void startRedis() {
        server = RedisServers.single();
    }

    @AfterAll
    static void stopRedis() {
        server.close();
    }

    static ClientInfo info(String session, String user) {
        return new ClientInfo(session, user, user.toUpperCase(), 1_700_000_000_000L, "active", null);
    }

    @Test
    void presenceIsDeduplicatedPerUserAcrossNodes() {
        String prefix = TestEngines.prefix();
        try (RedisEngine a = RedisEngine.start(TestEngines.config(server.uri(), prefix, "a"));
             RedisEngine b = RedisEngine.start(TestEngines.config(server.uri(), prefix, "b"))) {
            assertThat(a.presence().add("room", info("s1", "alice")).join()).isEqualTo(new PresenceChange(true, 1));
            assertThat(b.presence().add("room", info("s2", "alice")).join()).isEqualTo(new PresenceChange(false, 2));
            assertThat(b.presence().add("room", info("s3", "bob")).join()).isEqualTo(new PresenceChange(true, 3));
            // Re-adding a present connection is not a second connection.
            assertThat(a.presence().add("room", info("s1", "alice")).join()).isEqualTo(new PresenceChange(false, 3));
            assertThat(a.presence().presence("room").join()).extracting(ClientInfo::sessionId).containsExactlyInAnyOrder("s1", "s2", "s3");

            b.presence().update("room", info("s3", "bob").withStatus("away", TestEngines.data("mood", "ok"))).join();
            b.presence().update("room", info("s9", "zed")).join(); // absent: no-op
            List<ClientInfo> now = a.presence().presence("room").join();
            assertThat(now).hasSize(3);
            ClientInfo bob = now.stream().filter(c -> c.sessionId().equals("s3")).findFirst().orElseThrow();
            assertThat(bob.status()).isEqualTo("away");
            assertThat(bob.custom().get("mood").asText()).isEqualTo("ok");

            assertThat(a.presence().remove("room", "s1", "alice").join()).isEqualTo(new PresenceChange(false, 2));
            assertThat(a.presence().remove("room", "s1", "alice").join()).isEqualTo(new PresenceChange(false, 2));
            assertThat(b.presence().remove("room", "s2", "alice").join()).isEqualTo(new PresenceChange(true, 1));
            assertThat(b.presence().remove("room", "s3", "bob").join()).isEqualTo(new PresenceChange(true, 0));
            assertThat(a.presence().presence("room").join()).isEmpty();
        }
    }

    @Test
    void refreshAddsBackThisNodesLiveConnectionsAfterRedisLostThem() {
        String prefix = TestEngines.prefix();
        try (RedisEngine a = RedisEngine.start(TestEngines.config(server.uri(), prefix, "a"))) {
            a.presence().add("room", info("s1", "alice")).join();
            a.presence().add("room", info("s2", "bob")).join();
            server.stop(); // no persistence: every key is gone when it comes back
            server.start();
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
                a.presence().refresh("room", List.of(info("s1", "alice"), info("s2", "bob"))).join();
                return a.presence().presence("room").join().size() == 2;
            });
            assertThat(a.presence().presence("room").join()).extracting(ClientInfo::sessionId).containsExactlyInAnyOrder("s1", "s2");
            // the per-user counts were rebuilt too: removing the only connection is the user's leave
            assertThat(a.presence().remove("room", "s1", "alice").join().userChanged()).isTrue();
        }
    }

    @Test
    void lastSeenIsShared() {
        String prefix = TestEngines.prefix();
        try (RedisEngine a = RedisEngine.start(TestEngines.config(server.uri(), prefix, "a"));
             RedisEngine b = RedisEngine.start(TestEngines.config(server.uri(), prefix, "b"))) {
            a.presence().setLastSeen("alice", 1234L).join();
            b.presence().setLastSeen("bob", 99L).join();
            assertThat(b.presence().lastSeen(List.of("alice", "bob", "carol")).join())
                    .isEqualTo(Map.of("alice", 1234L, "bob", 99L));
        }
    }

    @Test
    void entriesOfADeadNodeExpireAndLeavesAreReportedOnce() {
        String prefix = TestEngines.prefix();
        Duration ttl = Duration.ofMillis(1000);
        Duration sweep = Duration.ofMillis(200);
        RedisEngine dead = RedisEngine.start(TestEngines.config(server.uri(), prefix, "dead").withPresence(ttl, sweep));
        ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor();
        try (RedisEngine live = RedisEngine.start(TestEngines.config(server.uri(), prefix, "live").withPresence(ttl, sweep))) {
            List<PresenceExpiry> reports = new CopyOnWriteArrayList<>();
            live.presence().onExpiry(reports::add);
            dead.presence().add("room", info("d1", "alice")).join();
            dead.presence().add("room", info("d2", "bob")).join();
            live.presence().add("room", info("l1", "alice")).join();
            refresher.scheduleAtFixedRate(() -> live.presence().refresh("room", List.of(info("l1", "alice"))), 0, 300, TimeUnit.MILLISECONDS);
            dead.close(); // no remove, no deregistration: like a kill -9

            await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                    assertThat(live.presence().presence("room").join()).extracting(ClientInfo::sessionId).containsExactly("l1"));
            assertThat(reports).flatExtracting(PresenceExpiry::removed).extracting(ClientInfo::sessionId)
                    .containsExactlyInAnyOrder("d1", "d2");
            // alice is still present through her live connection: only bob left.
            assertThat(reports).flatExtracting(PresenceExpiry::usersLeft).containsExactly("bob");
            // The live node's own entry survives well past the TTL because it is refreshed.
            await().pollDelay(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).untilAsserted(() ->
                    assertThat(live.presence().presence("room").join()).extracting(ClientInfo::sessionId).containsExactly("l1"));
            assertThat(live.presence().remove("room", "l1", "alice").join()).isEqualTo(new PresenceChange(true, 0));
        } finally {
            refresher.shutdownNow();
            dead.close();
        }
    }

    @Test
    void withDefaultSettingsADeadNodesMembersDisappearWithin15Seconds() {
        String prefix = TestEngines.prefix();
        RedisEngine dead = RedisEngine.start(TestEngines.config(server.uri(), prefix, "dead"));
        ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor();
        try (RedisEngine live = RedisEngine.start(TestEngines.config(server.uri(), prefix, "live"))) {
            List<PresenceExpiry> reports = new CopyOnWriteArrayList<>();
            live.presence().onExpiry(reports::add);
            live.presence().add("lobby", info("l1", "carol")).join();
            refresher.scheduleAtFixedRate(() -> live.presence().refresh("lobby", List.of(info("l1", "carol"))), 0, 3, TimeUnit.SECONDS);
            dead.presence().add("lobby", info("d1", "dave")).join();
            long killedAt = System.nanoTime();
            dead.close();
            // Nobody calls presence(): the live node's own periodic sweep must find and report the ghost.
            await().atMost(Duration.ofSeconds(15)).until(() -> !reports.isEmpty());
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            assertThat(tookMs).isLessThan(15_000);
            assertThat(reports.getFirst().usersLeft()).containsExactly("dave");
            assertThat(live.presence().presence("lobby").join()).extracting(ClientInfo::sessionId).containsExactly("l1");
        } finally {
            refresher.shutdownNow();
            dead.close();
        }
    }
}
