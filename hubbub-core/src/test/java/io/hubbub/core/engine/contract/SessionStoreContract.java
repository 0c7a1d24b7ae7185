package io.hubbub.core.engine.contract;

import static io.hubbub.core.engine.contract.Contracts.await;
import static io.hubbub.core.engine.contract.Contracts.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hubbub.core.engine.SessionSnapshot;
import io.hubbub.core.engine.SessionStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The guarantees of {@link SessionStore} every engine must give: a snapshot is readable until its TTL
 * passes, and {@link SessionStore#take} hands it out at most once, even to concurrent callers.
 */
public abstract class SessionStoreContract {
    private static final Duration MINUTE = Duration.ofMinutes(1);
    private final List<SessionStore> stores = new CopyOnWriteArrayList<>();

    /** A new session store on the engine's backend; closed by the suite after each test. */
    protected abstract SessionStore newSessionStore();

    /** Teardown hook, called after the suite closed the test's stores. */
    protected void afterEachTest() {}

    @AfterEach
    final void closeStores() {
        for (SessionStore s : stores) s.close();
        stores.clear();
        afterEachTest();
    }

    private SessionStore store() {
        SessionStore s = newSessionStore();
        stores.add(s);
        return s;
    }

    private static SessionSnapshot snapshot(String id, Set<String> rooms) {
        return new SessionSnapshot(id, "user-" + id, rooms, Set.of("topic-1"), 1_700_000_000_000L);
    }

    @Test
    void savedSnapshotCanBeLoadedRepeatedly() {
        SessionStore s = store();
        String id = unique("load");
        SessionSnapshot snap = snapshot(id, Set.of("r1", "r2"));
        await(s.save(snap, MINUTE));
        assertThat(await(s.load(id))).contains(snap);
        assertThat(await(s.load(id))).contains(snap);
        assertThat(await(s.load(unique("missing")))).isEmpty();
    }

    @Test
    void saveReplacesTheSnapshot() {
        SessionStore s = store();
        String id = unique("replace");
        await(s.save(snapshot(id, Set.of("r1")), MINUTE));
        SessionSnapshot newer = snapshot(id, Set.of("r2", "r3"));
        await(s.save(newer, MINUTE));
        assertThat(await(s.load(id))).contains(newer);
    }

    @Test
    void takeReturnsTheSnapshotOnce() {
        SessionStore s = store();
        String id = unique("take");
        SessionSnapshot snap = snapshot(id, Set.of("r1"));
        await(s.save(snap, MINUTE));
        assertThat(await(s.take(id))).contains(snap);
        assertThat(await(s.take(id))).isEmpty();
        assertThat(await(s.load(id))).isEmpty();
    }

    @Test
    void deleteRemovesTheSnapshot() {
        SessionStore s = store();
        String id = unique("delete");
        await(s.save(snapshot(id, Set.of()), MINUTE));
        await(s.delete(id));
        await(s.delete(id));
        assertThat(await(s.load(id))).isEmpty();
        assertThat(await(s.take(id))).isEmpty();
    }

    @Test
    void snapshotExpiresAfterItsTtl() {
        SessionStore s = store();
        String shortLived = unique("ttl-short");
        String longLived = unique("ttl-long");
        await(s.save(snapshot(shortLived, Set.of("r1")), Duration.ofSeconds(1)));
        await(s.save(snapshot(longLived, Set.of("r1")), MINUTE));
        assertThat(await(s.load(shortLived))).isPresent();
        await().atMost(6, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(100))
                .until(() -> await(s.load(shortLived)).isEmpty());
        assertThat(await(s.take(shortLived))).as("an expired snapshot cannot be resumed").isEmpty();
        assertThat(await(s.load(longLived))).isPresent();
    }

    @Test
    void concurrentTakesResumeASessionAtMostOnce() throws InterruptedException {
        SessionStore s = store();
        int sessions = 20;
        int threads = 8;
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < sessions; i++) {
            String id = unique("race-" + i);
            ids.add(id);
            await(s.save(snapshot(id, Set.of("r")), MINUTE));
        }
        List<AtomicInteger> wins = new ArrayList<>();
        for (int i = 0; i < sessions; i++) wins.add(new AtomicInteger());
        CountDownLatch start = new CountDownLatch(1);
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    for (int i = 0; i < sessions; i++) {
                        Optional<SessionSnapshot> got = await(s.take(ids.get(i)));
                        if (got.isPresent()) {
                            assertThat(got.get().sessionId()).isEqualTo(ids.get(i));
                            wins.get(i).incrementAndGet();
                        }
                    }
                } catch (Throwable e) {
                    failures.add(e);
                }
            }));
        }
        start.countDown();
        for (Thread w : workers) w.join(TimeUnit.SECONDS.toMillis(60));
        assertThat(failures).isEmpty();
        assertThat(wins).allSatisfy(w -> assertThat(w.get()).isEqualTo(1));
    }
}
