package io.hubbub.chain;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.fakesolana.FakeSolana;
import io.hubbub.fakesolana.FakeTx;
import io.hubbub.redis.RedisServers;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.store.EmbeddedPostgresHolder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.hubbub.server.testing.Frames.p;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three nodes (separate JVMs) on one Redis and one PostgreSQL: exactly one runs the listener; kill -9
 * the leader while transactions keep landing; another node takes over from the durable cursor, and
 * subscribers on a surviving node see every transaction exactly once.
 */
class ChainClusterTest {
    static final String API_KEY = "cluster-api-key-0123456789abcdef";

    @Test
    void aKilledLeaderIsReplacedAndNothingIsMissedOrDoubled() throws Exception {
        String program = FakeTx.address(), alice = FakeTx.address(), bob = FakeTx.address();
        try (FakeSolana node = new FakeSolana(); RedisServers.Server redis = RedisServers.single()) {
            Map<String, String> s = new HashMap<>(ChainTesting.listening(node, program));
            s.put("features.chain.leaseTtl", "3s");
            s.put("features.chain.pollInterval", "500ms");
            s.put("storage.jdbcUrl", EmbeddedPostgresHolder.freshDatabaseUrl());
            s.put("engine.type", "redis");
            s.put("engine.redis.uri", redis.uri());
            s.put("auth.apiKeys.test", API_KEY);
            s.put("auth.jwtSecret", "cluster-jwt-secret-0123456789abcdef0123456789");
            List<ChainNode> nodes = new ArrayList<>();
            try {
                for (int i = 1; i <= 3; i++) nodes.add(ChainNode.start("n" + i, s));
                ChainNode leader = awaitOneLeader(nodes, null);
                ChainNode survivor = nodes.stream().filter(n -> n != leader).findFirst().orElseThrow();
                try (NativeClient watcher = NativeClient.connect(survivor.wsUrl() + "?token=" + API_KEY)) {
                    watcher.ok("topic:subscribe", p("topic", "transactions"));
                    List<String> expected = new ArrayList<>();
                    for (int i = 0; i < 5; i++) expected.add(node.land(FakeTx.tx().sol(alice, bob, 100 + i).program(program), i % 2 == 0));
                    // notified ones arrive live, the gaps from backfill (in any order between the two)
                    assertThat(untilAll(watcher, expected)).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);

                    leader.kill9();
                    long killedAt = System.nanoTime();
                    // transactions keep landing while nobody leads; their notifications go nowhere
                    for (int i = 0; i < 5; i++) expected.add(node.land(FakeTx.tx().sol(alice, bob, 200 + i).program(program), true));
                    List<ChainNode> alive = nodes.stream().filter(n -> n != leader).toList();
                    ChainNode next = awaitOneLeader(alive, leader);
                    System.out.printf("chain listener taken over by %s %.1f s after kill -9%n", next.id, (System.nanoTime() - killedAt) / 1e9);
                    String last = node.land(FakeTx.tx().sol(alice, bob, 999).program(program), true);
                    expected.add(last);
                    List<String> seen = new ArrayList<>(expected.subList(0, 5));
                    seen.addAll(untilAll(watcher, expected.subList(5, expected.size())));
                    // and nothing more: a sentinel landed after all of them is the next (and only) message
                    String sentinel = node.land(FakeTx.tx().sol(alice, bob, 1000).program(program), true);
                    expected.add(sentinel);
                    seen.addAll(ChainListenerTest.updatesUntil(watcher, sentinel));
                    assertThat(seen).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
                    JsonNode status = next.status();
                    assertThat(status.path("processed").asLong()).isEqualTo(expected.size());
                    assertThat(status.path("fencingToken").asLong()).isGreaterThan(1);
                    assertThat(alive.stream().filter(ChainNode::leads).count()).as("exactly one leader").isEqualTo(1);
                }
            } finally {
                for (ChainNode n : nodes) n.close();
            }
        }
    }

    /** TransactionUpdate signatures in arrival order until every one of {@code wanted} arrived (bounded). */
    static List<String> untilAll(NativeClient c, List<String> wanted) {
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 200 && !seen.containsAll(wanted); i++)
            seen.add(c.take(ChainTesting.isTopic("transactions", "TransactionUpdate")).at("/payload/data/transaction_id").asText());
        return seen;
    }

    /** Waits (bounded) until exactly one node of {@code nodes} leads with a subscribed socket. */
    static ChainNode awaitOneLeader(List<ChainNode> nodes, ChainNode dead) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            List<ChainNode> leaders = nodes.stream().filter(n -> n != dead && n.leads()).toList();
            if (leaders.size() == 1) return leaders.getFirst();
            assertThat(leaders.size()).as("never two leaders").isLessThanOrEqualTo(1);
            Thread.sleep(100);
        }
        throw new AssertionError("no leader; logs:\n" + nodes.getFirst().output());
    }
}
