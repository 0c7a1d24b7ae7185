package io.hubbub.core.engine.contract;

import static io.hubbub.core.engine.contract.Contracts.await;
import static io.hubbub.core.engine.contract.Contracts.failure;
import static io.hubbub.core.engine.contract.Contracts.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hubbub.core.engine.RoomStateStore;
import io.hubbub.core.engine.RoomStateStore.Limits;
import io.hubbub.core.engine.RoomStateStore.Score;
import io.hubbub.core.protocol.ErrorCode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The guarantees of {@link RoomStateStore} every engine must give: per-room hash and sorted sets shared
 * by every node on the backend, limits enforced atomically (a refused write changes nothing), ranking
 * order (highest score first, ties by member descending), clear, and expiry after the TTL.
 */
public abstract class RoomStateStoreContract {
    /** Small limits so the suite can reach them. */
    protected static final Limits LIMITS = new Limits(4, 16, 64, 5, 2, Duration.ofMinutes(5));
    private final List<RoomStateStore> stores = new CopyOnWriteArrayList<>();

    /**
     * A state store with these limits on the engine's backend; closed by the suite after each test.
     * Every call within one test must share the same data (another node, or the same in-memory store).
     */
    protected abstract RoomStateStore newStore(Limits limits);

    protected void afterEachTest() {}

    @AfterEach
    final void closeStores() {
        for (RoomStateStore s : stores) s.close();
        stores.clear();
        afterEachTest();
    }

    private RoomStateStore store(Limits limits) {
        RoomStateStore s = newStore(limits);
        stores.add(s);
        return s;
    }

    private RoomStateStore store() {
        return store(LIMITS);
    }

    @Test
    void valuesAreSharedBetweenNodesAndPerRoom() {
        RoomStateStore a = store();
        RoomStateStore b = store();
        String room = unique("room");
        String other = unique("other");
        await(a.put(room, "pos:alice", "{\"x\":1}"));
        await(a.put(room, "topic", "\"hello\""));
        await(a.put(other, "topic", "\"elsewhere\""));
        assertThat(await(b.get(room, "pos:alice"))).contains("{\"x\":1}");
        assertThat(await(b.entries(room))).isEqualTo(Map.of("pos:alice", "{\"x\":1}", "topic", "\"hello\""));
        assertThat(await(b.get(room, "missing"))).isEmpty();
        assertThat(await(b.entries(unique("none")))).isEmpty();
        await(b.put(room, "topic", "\"bye\""));
        assertThat(await(a.get(room, "topic"))).contains("\"bye\"");
        assertThat(await(a.get(other, "topic"))).contains("\"elsewhere\"");
        assertThat(await(a.delete(room, "topic"))).isTrue();
        assertThat(await(b.delete(room, "topic"))).isFalse();
        assertThat(await(b.entries(room))).containsOnlyKeys("pos:alice");
    }

    @Test
    void limitsRefuseWritesAndChangeNothing() {
        RoomStateStore s = store();
        String room = unique("limits");
        for (int i = 0; i < LIMITS.maxKeys(); i++) await(s.put(room, "k" + i, "v"));
        assertThat(failure(s.put(room, "one-more", "v")).code()).isEqualTo(ErrorCode.LIMIT_EXCEEDED);
        await(s.put(room, "k0", "replaced")); // replacing an existing key is allowed when full
        assertThat(failure(s.put(room, "k1", "x".repeat(LIMITS.maxValueLength() + 1))).code()).isEqualTo(ErrorCode.TOO_LARGE);
        assertThat(failure(s.put(room, "k".repeat(LIMITS.maxKeyLength() + 1), "v")).code()).isEqualTo(ErrorCode.TOO_LARGE);
        Map<String, String> all = await(s.entries(room));
        assertThat(all).hasSize(LIMITS.maxKeys()).containsEntry("k0", "replaced").containsEntry("k1", "v").doesNotContainKey("one-more");
        await(s.delete(room, "k3"));
        await(s.put(room, "one-more", "v"));
        assertThat(await(s.entries(room))).containsKey("one-more");
    }

    @Test
    void scoresRankHighestFirstWithTiesByMemberDescending() {
        RoomStateStore a = store();
        RoomStateStore b = store();
        String room = unique("rank");
        assertThat(await(a.incrementScore(room, "points", "ann", 5))).isEqualTo(5.0);
        assertThat(await(b.incrementScore(room, "points", "ann", 2.5))).isEqualTo(7.5);
        await(a.incrementScore(room, "points", "bob", 10));
        await(a.incrementScore(room, "points", "cat", 7.5));
        await(a.incrementScore(room, "points", "dan", -1));
        assertThat(await(b.top(room, "points", 3))).containsExactly(
                new Score("bob", 10, 0), new Score("cat", 7.5, 1), new Score("ann", 7.5, 2));
        assertThat(await(b.top(room, "points", 100))).hasSize(4).last().isEqualTo(new Score("dan", -1, 3));
        assertThat(await(b.rank(room, "points", "ann"))).contains(new Score("ann", 7.5, 2));
        assertThat(await(b.rank(room, "points", "nobody"))).isEmpty();
        assertThat(await(b.top(room, "other-set", 3))).isEmpty();
        assertThat(await(b.rank(unique("none"), "points", "ann"))).isEmpty();
    }

    @Test
    void sortedSetLimitsHold() {
        RoomStateStore s = store();
        String room = unique("zlimits");
        for (int i = 0; i < LIMITS.maxSetMembers(); i++) await(s.incrementScore(room, "a", "m" + i, 1));
        assertThat(failure(s.incrementScore(room, "a", "extra", 1)).code()).isEqualTo(ErrorCode.LIMIT_EXCEEDED);
        assertThat(await(s.incrementScore(room, "a", "m0", 1))).isEqualTo(2.0);
        await(s.incrementScore(room, "b", "m", 1));
        assertThat(failure(s.incrementScore(room, "c", "m", 1)).code()).as("too many sets").isEqualTo(ErrorCode.LIMIT_EXCEEDED);
        assertThat(await(s.top(room, "a", 100))).hasSize(LIMITS.maxSetMembers()).extracting(Score::member).doesNotContain("extra");
        assertThat(await(s.top(room, "c", 10))).isEmpty();
    }

    @Test
    void concurrentWritersNeverExceedTheKeyLimit() {
        RoomStateStore a = store();
        RoomStateStore b = store();
        String room = unique("race");
        List<CompletableFuture<Void>> writes = new ArrayList<>();
        for (int i = 0; i < 20; i++) writes.add((i % 2 == 0 ? a : b).put(room, "k" + i, "v"));
        int ok = 0;
        for (CompletableFuture<Void> w : writes) {
            try {
                w.get(10, TimeUnit.SECONDS);
                ok++;
            } catch (Exception e) {
                assertThat(io.hubbub.core.protocol.HubbubException.from(e.getCause()).code()).isEqualTo(ErrorCode.LIMIT_EXCEEDED);
            }
        }
        assertThat(ok).isEqualTo(LIMITS.maxKeys());
        assertThat(await(a.entries(room))).hasSize(LIMITS.maxKeys());
    }

    @Test
    void clearRemovesHashAndSets() {
        RoomStateStore a = store();
        RoomStateStore b = store();
        String room = unique("clear");
        await(a.put(room, "k", "v"));
        await(a.incrementScore(room, "points", "ann", 1));
        await(b.clear(room));
        assertThat(await(a.entries(room))).isEmpty();
        assertThat(await(a.top(room, "points", 10))).isEmpty();
        await(a.incrementScore(room, "fresh", "ann", 1));
        await(a.incrementScore(room, "fresh2", "ann", 1)); // the set count restarted at zero
    }

    @Test
    void stateExpiresAfterItsTtlSinceTheLastWrite() throws InterruptedException {
        RoomStateStore s = store(new Limits(4, 16, 64, 5, 2, Duration.ofMillis(1500)));
        String kept = unique("kept");
        String dropped = unique("dropped");
        await(s.put(kept, "k", "v"));
        await(s.put(dropped, "k", "v"));
        await(s.incrementScore(dropped, "z", "m", 1));
        for (int i = 0; i < 8; i++) {
            Thread.sleep(300);
            await(s.put(kept, "k", "v" + i));
        }
        assertThat(await(s.entries(dropped))).isEmpty();
        assertThat(await(s.top(dropped, "z", 1))).isEmpty();
        assertThat(await(s.get(kept, "k"))).contains("v7");
        await().atMost(6, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(100)).until(() -> await(s.entries(kept)).isEmpty());
    }
}
