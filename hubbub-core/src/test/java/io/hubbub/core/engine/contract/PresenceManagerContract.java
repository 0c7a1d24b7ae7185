package io.hubbub.core.engine.contract;

import static io.hubbub.core.engine.contract.Contracts.await;
import static io.hubbub.core.engine.contract.Contracts.unique;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.hubbub.core.engine.ClientInfo;
import io.hubbub.core.engine.PresenceChange;
import io.hubbub.core.engine.PresenceManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The guarantees of {@link PresenceManager} every engine must give: presence per connection,
 * de-duplicated per user (join with the first connection, leave after the last), updates, and
 * last-seen times. Each test uses its own channels and user ids, so suites may share a backend.
 */
public abstract class PresenceManagerContract {
    private final List<PresenceManager> managers = new CopyOnWriteArrayList<>();

    /** A new presence manager on the engine's backend; closed by the suite after each test. */
    protected abstract PresenceManager newPresenceManager();

    /** Teardown hook, called after the suite closed the test's managers. */
    protected void afterEachTest() {}

    @AfterEach
    final void closeManagers() {
        for (PresenceManager m : managers) m.close();
        managers.clear();
        afterEachTest();
    }

    private PresenceManager manager() {
        PresenceManager m = newPresenceManager();
        managers.add(m);
        return m;
    }

    private static ClientInfo info(String session, String user) {
        return new ClientInfo(session, user, "name-" + user, 1_700_000_000_000L, "active", null);
    }

    @Test
    void aUserWithTwoSessionsJoinsOnceAndLeavesAfterTheLast() {
        PresenceManager p = manager();
        String ch = unique("dedup");
        String alice = unique("alice");
        String bob = unique("bob");
        assertThat(await(p.add(ch, info("a1", alice)))).isEqualTo(new PresenceChange(true, 1));
        assertThat(await(p.add(ch, info("a2", alice)))).isEqualTo(new PresenceChange(false, 2));
        assertThat(await(p.add(ch, info("b1", bob)))).isEqualTo(new PresenceChange(true, 3));
        assertThat(await(p.presence(ch))).extracting(ClientInfo::sessionId).containsExactlyInAnyOrder("a1", "a2", "b1");

        assertThat(await(p.remove(ch, "a1", alice))).isEqualTo(new PresenceChange(false, 2));
        assertThat(await(p.remove(ch, "a2", alice))).as("alice's last connection").isEqualTo(new PresenceChange(true, 1));
        assertThat(await(p.presence(ch))).extracting(ClientInfo::userId).containsExactly(bob);
        assertThat(await(p.remove(ch, "b1", bob))).isEqualTo(new PresenceChange(true, 0));
        assertThat(await(p.presence(ch))).isEmpty();

        assertThat(await(p.add(ch, info("a3", alice)))).as("joins again after leaving").isEqualTo(new PresenceChange(true, 1));
    }

    @Test
    void removingAnAbsentSessionChangesNothing() {
        PresenceManager p = manager();
        String ch = unique("absent");
        String alice = unique("alice");
        assertThat(await(p.remove(ch, "nobody", alice))).isEqualTo(new PresenceChange(false, 0));
        await(p.add(ch, info("a1", alice)));
        assertThat(await(p.remove(ch, "a9", alice))).isEqualTo(new PresenceChange(false, 1));
        assertThat(await(p.presence(ch))).hasSize(1);
    }

    @Test
    void addingTheSameSessionAgainReplacesIt() {
        PresenceManager p = manager();
        String ch = unique("readd");
        String alice = unique("alice");
        await(p.add(ch, info("a1", alice)));
        assertThat(await(p.add(ch, info("a1", alice).withStatus("away", null)))).isEqualTo(new PresenceChange(false, 1));
        assertThat(await(p.presence(ch))).singleElement().extracting(ClientInfo::status).isEqualTo("away");
        assertThat(await(p.remove(ch, "a1", alice))).isEqualTo(new PresenceChange(true, 0));
    }

    @Test
    void updateReplacesAPresentConnectionOnly() {
        PresenceManager p = manager();
        String ch = unique("update");
        String alice = unique("alice");
        ClientInfo a1 = info("a1", alice);
        await(p.add(ch, a1));
        await(p.add(ch, info("a2", alice)));
        ClientInfo away = a1.withStatus("away", JsonNodeFactory.instance.objectNode().put("x", 3));
        await(p.update(ch, away));
        assertThat(await(p.presence(ch))).filteredOn(i -> i.sessionId().equals("a1")).containsExactly(away);
        assertThat(await(p.presence(ch))).filteredOn(i -> i.sessionId().equals("a2")).extracting(ClientInfo::status)
                .containsExactly("active");

        await(p.update(ch, info("ghost", alice)));
        await(p.update(unique("empty"), info("ghost", alice)));
        assertThat(await(p.presence(ch))).extracting(ClientInfo::sessionId).containsExactlyInAnyOrder("a1", "a2");
        assertThat(await(p.remove(ch, "a1", alice)).sessions()).isEqualTo(1);
    }

    @Test
    void aChannelGrowingAndShrinkingBetweenOneAndMoreSessionsKeepsCountingUsers() {
        PresenceManager p = manager();
        String ch = unique("grow");
        String alice = unique("alice");
        String bob = unique("bob");
        ClientInfo a1 = info("a1", alice);
        assertThat(await(p.add(ch, a1))).isEqualTo(new PresenceChange(true, 1));
        ClientInfo away = a1.withStatus("away", null);
        await(p.update(ch, away));
        assertThat(await(p.presence(ch))).extracting(ClientInfo::status).containsExactly("away");
        assertThat(await(p.add(ch, info("b1", bob)))).isEqualTo(new PresenceChange(true, 2));
        assertThat(await(p.remove(ch, "b1", bob))).isEqualTo(new PresenceChange(true, 1));
        assertThat(await(p.add(ch, info("a2", alice)))).as("alice is still present").isEqualTo(new PresenceChange(false, 2));
        assertThat(await(p.presence(ch))).extracting(ClientInfo::sessionId).containsExactlyInAnyOrder("a1", "a2");
        assertThat(await(p.remove(ch, "a1", alice))).isEqualTo(new PresenceChange(false, 1));
        assertThat(await(p.add(ch, info("b2", bob)))).isEqualTo(new PresenceChange(true, 2));
        assertThat(await(p.remove(ch, "a2", alice))).isEqualTo(new PresenceChange(true, 1));
        assertThat(await(p.remove(ch, "b2", bob))).isEqualTo(new PresenceChange(true, 0));
        assertThat(await(p.presence(ch))).isEmpty();
    }

    @Test
    void channelsAreIndependent() {
        PresenceManager p = manager();
        String one = unique("one");
        String two = unique("two");
        String alice = unique("alice");
        assertThat(await(p.add(one, info("a1", alice))).userChanged()).isTrue();
        assertThat(await(p.add(two, info("a1", alice))).userChanged()).as("present per channel").isTrue();
        assertThat(await(p.remove(one, "a1", alice))).isEqualTo(new PresenceChange(true, 0));
        assertThat(await(p.presence(two))).singleElement().extracting(ClientInfo::userId).isEqualTo(alice);
        assertThat(await(p.presence(unique("nobody")))).isEmpty();
    }

    @Test
    void concurrentConnectionsOfOneUserJoinAndLeaveExactlyOnce() throws Exception {
        PresenceManager p = manager();
        String ch = unique("concurrent");
        String alice = unique("alice");
        int threads = 8;
        int perThread = 25;
        AtomicInteger joins = new AtomicInteger();
        AtomicInteger leaves = new AtomicInteger();
        runConcurrently(threads, t -> {
            for (int i = 0; i < perThread; i++) {
                if (await(p.add(ch, info("s-" + t + "-" + i, alice))).userChanged()) joins.incrementAndGet();
            }
        });
        assertThat(joins.get()).isEqualTo(1);
        assertThat(await(p.presence(ch))).hasSize(threads * perThread);
        runConcurrently(threads, t -> {
            for (int i = 0; i < perThread; i++) {
                if (await(p.remove(ch, "s-" + t + "-" + i, alice)).userChanged()) leaves.incrementAndGet();
            }
        });
        assertThat(leaves.get()).isEqualTo(1);
        assertThat(await(p.presence(ch))).isEmpty();
    }

    @Test
    void lastSeenIsKeptPerUser() {
        PresenceManager p = manager();
        String alice = unique("alice");
        String bob = unique("bob");
        String carol = unique("carol");
        await(p.setLastSeen(alice, 1_000L));
        await(p.setLastSeen(bob, 2_000L));
        assertThat(await(p.lastSeen(List.of(alice, bob, carol)))).isEqualTo(Map.of(alice, 1_000L, bob, 2_000L));
        await(p.setLastSeen(alice, 3_000L));
        assertThat(await(p.lastSeen(List.of(alice)))).isEqualTo(Map.of(alice, 3_000L));
        assertThat(await(p.lastSeen(List.of()))).isEmpty();
    }

    /** Runs body(t) on threads t = 0..threads-1, started together; fails on any error. */
    protected static void runConcurrently(int threads, ThreadBody body) throws InterruptedException {
        CountDownLatch start = new CountDownLatch(1);
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    body.run(id);
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        start.countDown();
        for (Thread w : workers) w.join(TimeUnit.SECONDS.toMillis(60));
        assertThat(failures).isEmpty();
    }

    @FunctionalInterface
    protected interface ThreadBody {
        void run(int thread) throws Exception;
    }
}
