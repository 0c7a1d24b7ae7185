package io.hubbub.core.engine.contract;

import static io.hubbub.core.engine.contract.Contracts.await;
import static io.hubbub.core.engine.contract.Contracts.unique;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hubbub.core.engine.NodeInfo;
import io.hubbub.core.engine.NodeRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The guarantees of {@link NodeRegistry} every engine must give: registered nodes are live, sorted
 * by id, while they heartbeat within their TTL; they disappear after it or on deregistration.
 * Node ids are unique per test and {@link #live} is filtered to them, so suites may share a backend.
 */
public abstract class NodeRegistryContract {
    private final List<NodeRegistry> registries = new CopyOnWriteArrayList<>();

    /** A new registry on the engine's backend; closed by the suite after each test. */
    protected abstract NodeRegistry newNodeRegistry();

    /** Teardown hook, called after the suite closed the test's registries. */
    protected void afterEachTest() {}

    @AfterEach
    final void closeRegistries() {
        for (NodeRegistry r : registries) r.close();
        registries.clear();
        afterEachTest();
    }

    private NodeRegistry registry() {
        NodeRegistry r = newNodeRegistry();
        registries.add(r);
        return r;
    }

    private static NodeInfo node(String id, int connections) {
        return new NodeInfo(id, "http://127.0.0.1:8080", connections, 1_700_000_000_000L, System.currentTimeMillis());
    }

    private static List<NodeInfo> live(NodeRegistry r, String prefix) {
        return await(r.live()).stream().filter(n -> n.id().startsWith(prefix)).toList();
    }

    @Test
    void registeredNodesAreLiveSortedById() {
        NodeRegistry r = registry();
        String prefix = unique("nodes");
        NodeInfo c = node(prefix + "-c", 3);
        NodeInfo a = node(prefix + "-a", 1);
        NodeInfo b = node(prefix + "-b", 2);
        for (NodeInfo n : List.of(c, a, b)) await(r.register(n, Duration.ofMinutes(1)));
        assertThat(live(r, prefix)).containsExactly(a, b, c);
    }

    @Test
    void heartbeatsKeepANodeAliveAndUpdateIt() throws InterruptedException {
        NodeRegistry r = registry();
        String prefix = unique("heartbeat");
        String id = prefix + "-1";
        Duration ttl = Duration.ofSeconds(1);
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2_500);
        int beat = 0;
        while (System.nanoTime() < until) {
            await(r.register(node(id, beat++), ttl));
            assertThat(live(r, prefix)).extracting(NodeInfo::id).containsExactly(id);
            Thread.sleep(250);
        }
        assertThat(live(r, prefix)).singleElement().extracting(NodeInfo::connections).isEqualTo(beat - 1);
    }

    @Test
    void aNodeThatStopsHeartbeatingDisappearsAfterItsTtl() {
        NodeRegistry r = registry();
        String prefix = unique("expiry");
        await(r.register(node(prefix + "-short", 0), Duration.ofSeconds(1)));
        await(r.register(node(prefix + "-long", 0), Duration.ofMinutes(1)));
        assertThat(live(r, prefix)).hasSize(2);
        await().atMost(6, TimeUnit.SECONDS).pollInterval(Duration.ofMillis(100))
                .until(() -> live(r, prefix).size() == 1);
        assertThat(live(r, prefix)).extracting(NodeInfo::id).containsExactly(prefix + "-long");
    }

    @Test
    void deregisterRemovesANodeAtOnce() {
        NodeRegistry r = registry();
        String prefix = unique("deregister");
        await(r.register(node(prefix + "-a", 0), Duration.ofMinutes(1)));
        await(r.register(node(prefix + "-b", 0), Duration.ofMinutes(1)));
        await(r.deregister(prefix + "-a"));
        await(r.deregister(prefix + "-missing"));
        assertThat(live(r, prefix)).extracting(NodeInfo::id).containsExactly(prefix + "-b");
    }
}
