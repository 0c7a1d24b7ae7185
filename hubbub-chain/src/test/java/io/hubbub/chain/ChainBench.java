package io.hubbub.chain;

import io.hubbub.chain.fake.FakeSolana;
import io.hubbub.chain.fake.FakeTx;
import io.hubbub.core.protocol.Json;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Chain events from the fake node to subscribed clients: p50/p99 latency from landing (notification
 * sent) to the client, for {@code clients} connections spread over {@code topics} topics, at {@code rate}
 * events/s for {@code seconds}. Off by default: {@code -Dhubbub.bench=true} (with {@code -Dchain.clients},
 * {@code -Dchain.topics}, {@code -Dchain.rate}, {@code -Dchain.seconds}).
 */
@EnabledIfSystemProperty(named = "hubbub.bench", matches = "true")
class ChainBench {

    @Test
    void eventsToSubscribers() throws Exception {
        int clients = Integer.getInteger("chain.clients", 1000), topics = Integer.getInteger("chain.topics", 10);
        int rate = Integer.getInteger("chain.rate", 100), seconds = Integer.getInteger("chain.seconds", 10);
        String program = FakeTx.address();
        Map<String, String> o = new java.util.HashMap<>();
        try (FakeSolana node = new FakeSolana()) {
            o.putAll(ChainTesting.listening(node, program));
            o.put("features.chain.transactionsTopic", "");
            o.put("features.chain.pollInterval", "5s"); // the default: backfill is the safety net, not the path
            o.put("limits.perIp", "100000");
            o.put("limits.connectsPerIpPerSecond", "100000");
            o.put("limits.maxConnections", "100000");
            try (TestHubbub hub = TestHubbub.start(o)) {
                ChainTesting.awaitConnected(hub);
                HttpClient http = HttpClient.newHttpClient();
                int events = rate * seconds, perTopic = clients / topics;
                long[] latencies = new long[events * perTopic];
                AtomicInteger n = new AtomicInteger();
                CountDownLatch all = new CountDownLatch(events * perTopic);
                List<WebSocket> sockets = new ArrayList<>();
                for (int i = 0; i < clients; i++) {
                    String topic = "market-data.t" + (i % topics);
                    CountDownLatch subscribed = new CountDownLatch(1);
                    sockets.add(http.newWebSocketBuilder().buildAsync(URI.create(hub.wsUrl() + "?token=" + hub.token("u" + i)), new WebSocket.Listener() {
                        final StringBuilder buf = new StringBuilder();

                        @Override
                        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
                            buf.append(data);
                            if (last) {
                                String t = buf.toString();
                                buf.setLength(0);
                                if (t.contains("\"topic:message\"")) {
                                    long sent = Json.parseObject(t).at("/payload/data/sent").asLong();
                                    int k = n.getAndIncrement();
                                    if (k < latencies.length) latencies[k] = System.nanoTime() - sent;
                                    all.countDown();
                                } else if (t.contains("\"reply\"")) subscribed.countDown();
                            }
                            w.request(1);
                            return null;
                        }
                    }).get(10, TimeUnit.SECONDS));
                    sockets.getLast().sendText("{\"type\":\"topic:subscribe\",\"id\":1,\"payload\":{\"topic\":\"" + topic + "\"}}", true);
                    subscribed.await(10, TimeUnit.SECONDS);
                }
                long start = System.nanoTime(), every = 1_000_000_000L / rate;
                for (int e = 0; e < events; e++) {
                    long due = start + e * every;
                    for (long left; (left = due - System.nanoTime()) > 0; ) java.util.concurrent.locks.LockSupport.parkNanos(left);
                    node.land(FakeTx.tx().program(program, "MarketData {\"token_id\":\"t" + (e % topics) + "\",\"sent\":" + System.nanoTime() + "}"), true);
                }
                boolean done = all.await(60, TimeUnit.SECONDS);
                long[] got = Arrays.copyOf(latencies, Math.min(n.get(), latencies.length));
                Arrays.sort(got);
                System.out.printf("chain bench: %d clients, %d topics, %d events/s for %d s: delivered %d/%d%s, p50 %.1f ms, p99 %.1f ms, max %.1f ms%n",
                        clients, topics, rate, seconds, got.length, latencies.length, done ? "" : " (incomplete)",
                        got[got.length / 2] / 1e6, got[(int) (got.length * 0.99)] / 1e6, got[got.length - 1] / 1e6);
                for (WebSocket w : sockets) w.abort();
            }
        }
    }
}
