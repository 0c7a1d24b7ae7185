package io.hubbub.core.engine.contract;

import static io.hubbub.core.engine.contract.Contracts.await;
import static io.hubbub.core.engine.contract.Contracts.unique;
import static org.assertj.core.api.Assertions.assertThat;

import io.hubbub.core.engine.Leases;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The guarantees of {@link Leases} every engine must give: one holder at a time across nodes, renewal
 * by the holder keeps its token, a new grant always has a larger fencing token, a stale token can
 * neither renew nor release, and an unrenewed lease expires.
 */
public abstract class LeasesContract {
    private static final Duration LONG = Duration.ofSeconds(30);

    /** Leases on the engine's backend; two calls in one test share the data (two nodes, or one memory engine). */
    protected abstract Leases newLeases();

    protected void afterEachTest() {}

    @AfterEach
    void cleanUp() {
        afterEachTest();
    }

    @Test
    void oneHolderAtATimeAndTheHolderRenewsWithItsToken() {
        Leases a = newLeases(), b = newLeases();
        String name = unique("lease");
        OptionalLong ta = await(a.acquire(name, "node-a", LONG));
        assertThat(ta).isPresent();
        assertThat(await(b.acquire(name, "node-b", LONG))).isEmpty();
        assertThat(await(a.acquire(name, "node-a", LONG))).as("re-acquire by the holder keeps the token").isEqualTo(ta);
        assertThat(await(a.renew(name, "node-a", ta.getAsLong(), LONG))).isTrue();
        assertThat(await(b.renew(name, "node-b", ta.getAsLong(), LONG))).as("another owner cannot renew").isFalse();
        assertThat(await(a.renew(name, "node-a", ta.getAsLong() + 1, LONG))).as("a wrong token cannot renew").isFalse();
    }

    @Test
    void releaseHandsOverWithALargerToken() {
        Leases a = newLeases(), b = newLeases();
        String name = unique("lease");
        long ta = await(a.acquire(name, "node-a", LONG)).orElseThrow();
        await(b.release(name, "node-b", ta)); // not the holder: no effect
        assertThat(await(b.acquire(name, "node-b", LONG))).isEmpty();
        await(a.release(name, "node-a", ta));
        long tb = await(b.acquire(name, "node-b", LONG)).orElseThrow();
        assertThat(tb).isGreaterThan(ta);
        assertThat(await(a.renew(name, "node-a", ta, LONG))).as("the former holder's token is stale").isFalse();
        await(a.release(name, "node-a", ta));
        assertThat(await(a.acquire(name, "node-a", LONG))).as("a stale release changed nothing").isEmpty();
    }

    @Test
    void anUnrenewedLeaseExpiresAndTheNextGrantIsFenced() {
        Leases a = newLeases(), b = newLeases();
        String name = unique("lease");
        long ta = await(a.acquire(name, "node-a", Duration.ofMillis(200))).orElseThrow();
        Awaitility.await().atMost(10, TimeUnit.SECONDS).pollInterval(50, TimeUnit.MILLISECONDS)
                .until(() -> await(b.acquire(name, "node-b", LONG)).isPresent());
        long tb = await(b.acquire(name, "node-b", LONG)).orElseThrow();
        assertThat(tb).isGreaterThan(ta);
        assertThat(await(a.renew(name, "node-a", ta, LONG))).isFalse();
    }

    @Test
    void concurrentAcquiresGrantExactlyOne() {
        List<Leases> nodes = new ArrayList<>();
        for (int i = 0; i < 4; i++) nodes.add(newLeases());
        String name = unique("lease");
        List<CompletableFuture<OptionalLong>> tries = new ArrayList<>();
        for (int round = 0; round < 5; round++)
            for (int i = 0; i < nodes.size(); i++) tries.add(nodes.get(i).acquire(name, "node-" + i, LONG));
        long winners = tries.stream().map(Contracts::await).filter(OptionalLong::isPresent).map(o -> o.getAsLong()).distinct().count();
        assertThat(winners).isEqualTo(1);
    }
}
