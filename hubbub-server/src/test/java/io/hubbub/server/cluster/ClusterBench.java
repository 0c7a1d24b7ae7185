package io.hubbub.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.client.HubbubClient;
import io.hubbub.client.ConnectionState;
import io.hubbub.server.testing.ClusterFixture;
import io.hubbub.server.testing.NodeProcess;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cluster benchmark of docs/BENCHMARKS.md ("Cluster"): three real node JVMs and a real Redis on
 * loopback with default timing (engine.nodeTtl 15 s), driven by Java clients (hubbub-client) in this JVM.
 * Not a test: a main run with the test classpath (the commands are in docs/BENCHMARKS.md "Cluster").
 * Every phase is bounded in count and time; prints one line per result.
 *
 * <ol>
 * <li>fan-out: one publisher, {@value #RECEIVERS} receivers, {@value #MESSAGES} messages (at most
 *     {@value #WINDOW} unacknowledged) — all on one node, then receivers spread over three nodes;</li>
 * <li>traffic per node: messages of a room whose members are on two nodes; the third node's count of
 *     received publications must not move;</li>
 * <li>kill -9: {@value #VICTIMS} clients in one room on one node, the node killed; time until 99 % and
 *     100 % have resumed (recovered) on the other nodes.</li>
 * </ol>
 */
public final class ClusterBench {
    static final int RECEIVERS = 60;
    static final int MESSAGES = 3000;
    static final int WINDOW = 64;
    static final int VICTIMS = 200;

    public static void main(String[] args) throws Exception {
        long started = System.currentTimeMillis();
        try (ClusterFixture cluster = new ClusterFixture(3, Map.of("engine.nodeTtl", "15s",
                // every bench client comes from 127.0.0.1: lift the per-IP and per-connection rate limits
                "limits.perIp", "10000", "limits.connectsPerIpPerSecond", "10000",
                "limits.framesPerSecond", "100000", "limits.frameBurst", "100000"))) {
            List<NodeProcess> n = cluster.alive();
            fanOut(cluster, "single-node", n.get(0), List.of(n.get(0)));
            fanOut(cluster, "cross-node (3 nodes)", n.get(0), n);
            trafficPerNode(cluster, n);
            killNine(cluster);
        }
        System.out.printf("total bench time %.1f s%n", (System.currentTimeMillis() - started) / 1000.0);
        System.exit(0);
    }

    static HubbubClient client(ClusterFixture cluster, NodeProcess node, String user, List<NodeProcess> fallbacks) throws Exception {
        io.hubbub.client.HubbubClientBuilder b = HubbubClient.builder(node.wsUrl()).tokenSupplier(() -> cluster.token(user));
        for (NodeProcess f : fallbacks) if (f != node) b.fallbacks(f.wsUrl());
        HubbubClient c = b.build();
        c.connect().get(20, TimeUnit.SECONDS);
        return c;
    }

    static void fanOut(ClusterFixture cluster, String label, NodeProcess pubNode, List<NodeProcess> receiverNodes) throws Exception {
        String room = "fan-" + System.nanoTime();
        HubbubClient pub = client(cluster, pubNode, "fan-pub", List.of());
        pub.createRoom(Map.of("room", room, "name", room, "historySize", 100)).get(10, TimeUnit.SECONDS);
        List<HubbubClient> receivers = new ArrayList<>();
        CountDownLatch all = new CountDownLatch(RECEIVERS * MESSAGES);
        ConcurrentLinkedQueue<long[]> lat = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < RECEIVERS; i++) {
            HubbubClient r = client(cluster, receiverNodes.get(i % receiverNodes.size()), "fan-r" + i, List.of());
            long[] mine = new long[MESSAGES];
            AtomicInteger k = new AtomicInteger();
            r.on("message:new", m -> {
                int idx = k.getAndIncrement();
                if (idx < MESSAGES) mine[idx] = System.nanoTime() - m.path("data").path("t").asLong();
                all.countDown();
            });
            lat.add(mine);
            r.join(room).get(10, TimeUnit.SECONDS);
            receivers.add(r);
        }
        Semaphore window = new Semaphore(WINDOW);
        long t0 = System.nanoTime();
        for (int i = 0; i < MESSAGES; i++) {
            window.acquire();
            pub.publish(room, Map.of("i", i, "t", System.nanoTime())).whenComplete((v, e) -> window.release());
        }
        boolean done = all.await(120, TimeUnit.SECONDS);
        double secs = (System.nanoTime() - t0) / 1e9;
        long[] merged = lat.stream().flatMapToLong(Arrays::stream).filter(x -> x > 0).sorted().toArray();
        System.out.printf("fan-out %-22s receivers=%d messages=%d complete=%s  %.0f msg/s in, %.0f deliveries/s, latency p50 %.1f ms p99 %.1f ms max %.1f ms%n",
                label, RECEIVERS, MESSAGES, done, MESSAGES / secs, MESSAGES * (double) RECEIVERS / secs,
                pct(merged, 0.50), pct(merged, 0.99), merged.length == 0 ? 0 : merged[merged.length - 1] / 1e6);
        pub.close();
        receivers.forEach(HubbubClient::close);
    }

    static double pct(long[] sorted, double p) {
        if (sorted.length == 0) return 0;
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e6;
    }

    static long received(NodeProcess node) {
        return node.get("/stats").body().path("publicationsReceived").asLong();
    }

    static void trafficPerNode(ClusterFixture cluster, List<NodeProcess> n) throws Exception {
        String room = "traffic-" + System.nanoTime();
        HubbubClient a = client(cluster, n.get(0), "t-a", List.of());
        HubbubClient b = client(cluster, n.get(1), "t-b", List.of());
        a.createRoom(Map.of("room", room, "name", room)).get(10, TimeUnit.SECONDS);
        b.join(room).get(10, TimeUnit.SECONDS);
        Thread.sleep(500);
        long[] before = {received(n.get(0)), received(n.get(1)), received(n.get(2))};
        int count = 1000;
        CountDownLatch got = new CountDownLatch(count);
        b.on("message:new", m -> got.countDown());
        Semaphore window = new Semaphore(WINDOW);
        for (int i = 0; i < count; i++) {
            window.acquire();
            a.publish(room, Map.of("i", i)).whenComplete((v, e) -> window.release());
        }
        got.await(60, TimeUnit.SECONDS);
        Thread.sleep(500);
        long[] after = {received(n.get(0)), received(n.get(1)), received(n.get(2))};
        for (int i = 0; i < 3; i++) {
            System.out.printf("traffic %s (%s): publications received during %d room messages: %d%n", n.get(i).id,
                    i < 2 ? "has members" : "no members", count, after[i] - before[i]);
        }
        a.close();
        b.close();
    }

    static void killNine(ClusterFixture cluster) throws Exception {
        String room = "kill-bench-" + System.nanoTime();
        NodeProcess victim = cluster.node(cluster.route(cluster.alive().getFirst(), room).path("node").asText());
        List<NodeProcess> nodes = cluster.alive();
        HubbubClient host = client(cluster, nodes.stream().filter(x -> x != victim).findFirst().orElseThrow(), "k-host", List.of());
        host.createRoom(Map.of("room", room, "name", room, "persistent", true, "historySize", 1000)).get(10, TimeUnit.SECONDS);
        List<HubbubClient> clients = new ArrayList<>();
        ConcurrentLinkedQueue<Long> resumedAt = new ConcurrentLinkedQueue<>();
        List<CompletableFuture<?>> joins = new ArrayList<>();
        for (int i = 0; i < VICTIMS; i++) {
            HubbubClient c = client(cluster, victim, "k-" + i, nodes);
            c.onRecovery((r, ok) -> {
                if (r.equals(room) && ok) resumedAt.add(System.nanoTime());
            });
            joins.add(c.join(room));
            clients.add(c);
        }
        CompletableFuture.allOf(joins.toArray(new CompletableFuture<?>[0])).get(60, TimeUnit.SECONDS);
        for (int i = 0; i < 20; i++) host.publish(room, Map.of("before", i)).get(10, TimeUnit.SECONDS);
        Thread.sleep(1000);
        long killed = System.nanoTime();
        victim.kill9();
        long deadline = killed + TimeUnit.SECONDS.toNanos(60);
        while (resumedAt.size() < VICTIMS && System.nanoTime() < deadline) Thread.sleep(50);
        long[] t = resumedAt.stream().mapToLong(x -> x - killed).sorted().toArray();
        int p99 = (int) Math.ceil(VICTIMS * 0.99);
        long connected = clients.stream().filter(c -> c.state() == ConnectionState.CONNECTED).count();
        System.out.printf("kill -9: %d clients on %s; resumed (recovered=true) %d, connected %d; 99%% after %.2f s, 100%% after %s, first after %.2f s%n",
                VICTIMS, victim.id, t.length, connected,
                t.length >= p99 ? t[p99 - 1] / 1e9 : Double.NaN,
                t.length == VICTIMS ? String.format("%.2f s", t[VICTIMS - 1] / 1e9) : "not reached",
                t.length > 0 ? t[0] / 1e9 : Double.NaN);
        clients.forEach(HubbubClient::close);
        host.close();
    }
}
