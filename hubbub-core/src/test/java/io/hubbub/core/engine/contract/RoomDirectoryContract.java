package io.hubbub.core.engine.contract;

import static io.hubbub.core.engine.contract.Contracts.await;
import static io.hubbub.core.engine.contract.Contracts.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hubbub.core.engine.RoomDirectory;
import io.hubbub.core.engine.RoomEntry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The guarantees of {@link RoomDirectory} every engine must give: an id is created at most once (also
 * between nodes), entries are visible to every node on the same backend, replaced by put, kept alive by
 * refresh, and gone after their TTL or remove.
 */
public abstract class RoomDirectoryContract {
    private static final Duration MINUTE = Duration.ofMinutes(1);
    private final List<RoomDirectory> directories = new CopyOnWriteArrayList<>();

    /**
     * A directory on the engine's backend; closed by the suite after each test. Every call within one
     * test must see the same entries (for a cluster engine: another node; in memory: the same instance).
     */
    protected abstract RoomDirectory newDirectory();

    /** Teardown hook, called after the suite closed the test's directories. */
    protected void afterEachTest() {}

    @AfterEach
    final void closeDirectories() {
        for (RoomDirectory d : directories) d.close();
        directories.clear();
        afterEachTest();
    }

    private RoomDirectory directory() {
        RoomDirectory d = newDirectory();
        directories.add(d);
        return d;
    }

    private static RoomEntry entry(String id, String name) {
        return new RoomEntry(id, "{\"name\":\"" + name + "\"}", "alice", 1_700_000_000_000L, "alice");
    }

    @Test
    void createdEntryIsVisibleToEveryNode() {
        RoomDirectory a = directory();
        RoomDirectory b = directory();
        String id = unique("room");
        RoomEntry e = entry(id, "first");
        assertThat(await(a.create(e, MINUTE))).isTrue();
        assertThat(await(b.get(id))).contains(e);
        assertThat(await(a.get(unique("missing")))).isEmpty();
    }

    @Test
    void createRefusesATakenIdAndKeepsTheFirstEntry() {
        RoomDirectory a = directory();
        RoomDirectory b = directory();
        String id = unique("taken");
        RoomEntry first = entry(id, "first");
        assertThat(await(a.create(first, MINUTE))).isTrue();
        assertThat(await(b.create(entry(id, "second"), MINUTE))).isFalse();
        assertThat(await(a.get(id))).contains(first);
    }

    @Test
    void putReplacesTheEntry() {
        RoomDirectory a = directory();
        RoomDirectory b = directory();
        String id = unique("put");
        await(a.create(entry(id, "old"), MINUTE));
        RoomEntry next = entry(id, "old").withSettings("{\"name\":\"new\"}");
        await(b.put(next, MINUTE));
        assertThat(await(a.get(id))).contains(next);
    }

    @Test
    void removeDeletesOnceAndFreesTheId() {
        RoomDirectory a = directory();
        RoomDirectory b = directory();
        String id = unique("remove");
        await(a.create(entry(id, "x"), MINUTE));
        assertThat(await(b.remove(id))).isTrue();
        assertThat(await(b.remove(id))).isFalse();
        assertThat(await(a.get(id))).isEmpty();
        assertThat(await(a.refresh(id, MINUTE))).as("a removed entry cannot be refreshed back").isFalse();
        assertThat(await(b.create(entry(id, "again"), MINUTE))).isTrue();
    }

    @Test
    void entryExpiresUnlessRefreshed() throws InterruptedException {
        RoomDirectory a = directory();
        RoomDirectory b = directory();
        String kept = unique("kept");
        String dropped = unique("dropped");
        Duration ttl = Duration.ofMillis(1500);
        await(a.create(entry(kept, "k"), ttl));
        await(a.create(entry(dropped, "d"), ttl));
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(3500);
        while (System.nanoTime() < until) {
            assertThat(await(b.refresh(kept, ttl))).isTrue();
            Thread.sleep(300);
        }
        assertThat(await(a.get(kept))).as("refreshed entries stay").isPresent();
        assertThat(await(a.get(dropped))).as("entries not refreshed expire").isEmpty();
        assertThat(await(b.refresh(dropped, ttl))).isFalse();
        assertThat(await(b.create(entry(dropped, "again"), MINUTE))).as("an expired id can be taken again").isTrue();
        await().atMost(6, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(100)).until(() -> await(a.get(kept)).isEmpty());
    }

    @Test
    void concurrentCreatesOfOneIdHaveExactlyOneWinner() throws InterruptedException {
        int ids = 10;
        int threads = 6;
        List<String> names = new ArrayList<>();
        for (int i = 0; i < ids; i++) names.add(unique("race-" + i));
        List<AtomicInteger> wins = new ArrayList<>();
        for (int i = 0; i < ids; i++) wins.add(new AtomicInteger());
        CountDownLatch start = new CountDownLatch(1);
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            RoomDirectory d = directory();
            workers.add(Thread.ofPlatform().start(() -> {
                try {
                    start.await();
                    for (int i = 0; i < ids; i++) {
                        if (await(d.create(entry(names.get(i), "r"), MINUTE))) wins.get(i).incrementAndGet();
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
