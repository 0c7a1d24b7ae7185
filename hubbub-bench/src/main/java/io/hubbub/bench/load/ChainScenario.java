package io.hubbub.bench.load;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.fakesolana.FakeSolana;
import io.hubbub.fakesolana.FakeTx;
import io.netty.buffer.ByteBuf;
import io.netty.util.CharsetUtil;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code chain} (issue 13): chain events from a fake Solana node to subscribed clients. The node runs in
 * the bench process ({@link #node}, started before the server, whose listener is pointed at it by
 * {@link #serverSettings}); N clients subscribe to {@code market-data.t<k>} topics, {@code roomSize}
 * per topic (N / roomSize topics). The node lands R transactions/s spread round-robin over the topics,
 * each with a {@code Program log: MarketData {"token_id":"t<k>","sent":<nanoTime>}} line and a
 * {@code logsNotification}; the server's listener fetches each with {@code getTransaction}, records it
 * once (SQLite) and publishes it to its topic. Latency is landing (notification sent) → client, both
 * clocks in this process. Expected deliveries: events × subscribers per topic.
 */
public final class ChainScenario {
    private static final byte[] MARKER = "\"topic:message\"".getBytes(CharsetUtil.US_ASCII);
    private static final byte[] SENT = "\"sent\":".getBytes(CharsetUtil.US_ASCII);
    private static FakeSolana node;
    private static String PROGRAM;

    /** Starts the fake node (once per process) and returns the server settings that point the listener at it. */
    public static synchronized List<String> serverSettings() {
        if (node == null) {
            node = new FakeSolana();
            PROGRAM = FakeTx.address();
        }
        return List.of("features.chain.rpcUrls=" + node.httpUrl(), "features.chain.wsUrls=" + node.wsUrl(),
                "features.chain.programs=" + PROGRAM, "features.chain.transactionsTopic=", "features.chain.commitment=confirmed");
    }

    /** The running fake node (after {@link #serverSettings}), or null. */
    static synchronized FakeSolana node() {
        return node;
    }

    private final Scenarios.Settings s;
    private final Stats stats;
    private final Progress progress;

    ChainScenario(Scenarios.Settings s, Stats stats, Progress progress) {
        this.s = s;
        this.stats = stats;
        this.progress = progress;
    }

    Result run(Generator g) throws Exception {
        if (node == null) throw new IllegalStateException("the chain scenario needs its fake node: start the server with ChainScenario.serverSettings()");
        int n = s.connections(), perTopic = Math.max(1, Math.min(n, s.roomSize())), topics = Math.max(1, n / perTopic);
        awaitSubscribed();
        List<LoadClient> clients = new ArrayList<>(n);
        for (int i = 0; i < n; i++) clients.add(new LoadClient(i, "c" + i, s.endpoint(), stats));
        clients = g.connectAll(clients, s.endpoint(), progress);
        if (clients.size() < n) throw new IllegalStateException("only " + clients.size() + "/" + n + " connected");
        List<CompletableFuture<JsonNode>> subs = new ArrayList<>();
        for (LoadClient c : clients) {
            c.frameMarker = MARKER;
            c.frameSink = this::onEvent;
            subs.add(c.request("topic:subscribe", "{\"topic\":\"market-data.t" + (c.index % topics) + "\"}"));
            if (subs.size() % 500 == 0) CompletableFuture.allOf(subs.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
            progress.tick("subscribing " + subs.size() + "/" + n);
        }
        CompletableFuture.allOf(subs.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);

        land(topics, s.warmup(), "warm-up", 0);
        Thread.sleep(1000); // let the warm-up's deliveries arrive before measuring
        stats.reset();
        long recv0 = stats.received.sum();
        ProcStats.Snapshot a = ProcStats.Snapshot.take(s.serverPid());
        long events = land(topics, s.seconds(), "measuring", recv0);
        long expected = events * perTopic;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30); // drain: bounded
        while (stats.received.sum() - recv0 < expected && System.nanoTime() < deadline) Thread.sleep(50);
        ProcStats.Snapshot b = ProcStats.Snapshot.take(s.serverPid());
        Histogram h = stats.total();
        long deliveries = stats.received.sum() - recv0;
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("clients", n);
        params.put("topics", topics);
        params.put("subscribersPerTopic", perTopic);
        params.put("eventsPerSec", s.rate());
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("events", events);
        extra.put("expectedDeliveries", expected);
        extra.put("missing", Math.max(0, expected - deliveries));
        Result r = Result.of(s.target(), "chain", params, clients.size(), events, deliveries, events, h, a, b, s.serverPid(), stats,
                Math.max(0, expected - deliveries), -1, extra);
        Generator.closeAll(clients);
        return r;
    }

    /** Waits (bounded) until the server's listener has subscribed its logs at the node. */
    private static void awaitSubscribed() throws InterruptedException {
        for (int i = 0; i < 600 && node.subscriptions("logs") == 0; i++) Thread.sleep(100);
        if (node.subscriptions("logs") == 0) throw new IllegalStateException("the server's chain listener never subscribed at the fake node");
    }

    /** Lands R transactions/s for {@code seconds} (paced on absolute due times), round-robin over the topics; returns how many. */
    private long land(int topics, double seconds, String what, long recv0) {
        long count = (long) (s.rate() * seconds), every = (long) (1e9 / s.rate()), start = System.nanoTime();
        for (long e = 0; e < count; e++) {
            long due = start + e * every;
            for (long left; (left = due - System.nanoTime()) > 0; ) LockSupport.parkNanos(left);
            node.land(FakeTx.tx().program(PROGRAM, "MarketData {\"token_id\":\"t" + (e % topics) + "\",\"sent\":" + System.nanoTime() + "}"), true);
            if (e % 200 == 0) progress.tick(String.format("%s events=%d seen=%d disconnects=%d", what, e, stats.received.sum() - recv0,
                    stats.disconnects.sum()));
        }
        return count;
    }

    /** A topic:message push: its {@code sent} stamp gives the latency. */
    private void onEvent(ByteBuf buf, long now) {
        int at = LoadClient.indexOf(buf, SENT, buf.readerIndex());
        if (at < 0) return;
        long[] out = new long[1];
        LoadClient.parseLong(buf, at + SENT.length, out);
        stats.received.increment();
        stats.record((now - out[0]) / 1000);
    }
}
