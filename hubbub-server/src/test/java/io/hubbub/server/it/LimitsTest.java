package io.hubbub.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.room.Room;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.RawWebSocket;
import io.hubbub.server.testing.SlowConsumerLoad;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static io.hubbub.server.testing.Frames.p;
import static io.hubbub.server.testing.Frames.room;
import static io.hubbub.server.testing.Frames.type;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Limits, heartbeats and backpressure (issue 2): each limit refuses with its documented code (and
 * counts in /metrics), a client that stops reading or answering is disconnected without harming
 * anyone else, and the memory watchdog refuses upgrades under pressure.
 */
class LimitsTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static void await(BooleanSupplier condition, long millis, String what) throws InterruptedException {
        long until = System.currentTimeMillis() + millis;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > until) throw new AssertionError("timed out waiting for: " + what);
            Thread.sleep(20);
        }
    }

    static double metric(TestHubbub hub, String series) {
        return hub.metric(series);
    }

    static JsonNode get(TestHubbub hub, String path) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(hub.http(path)).build(), HttpResponse.BodyHandlers.ofString());
        return Json.MAPPER.readTree(r.body());
    }

    @Test
    void countLimitsRefuseWithTheirCodesAndAreCounted() {
        try (TestHubbub hub = TestHubbub.start(Map.of("limits.perUser", "2", "limits.roomsPerConnection", "2",
                "limits.connectsPerIpPerSecond", "1000"))) {
            // rooms per connection
            String r1 = room("rpc1"), r2 = room("rpc2"), r3 = room("rpc3");
            try (NativeClient a = hub.connect("lim-a"); NativeClient b = hub.connect("lim-b")) {
                for (String r : List.of(r1, r2, r3)) {
                    b.ok("room:create", p("room", r, "name", r));
                    b.ok("room:leave", p("room", r));
                }
                a.ok("room:join", p("room", r1));
                a.ok("room:join", p("room", r2));
                assertThat(a.error("room:join", p("room", r3)).path("code").asText()).isEqualTo("limit_exceeded");
                String fourth = room("rpc4");
                assertThat(a.error("room:create", p("room", fourth, "name", "fourth")).path("code").asText()).isEqualTo("limit_exceeded");
                assertThat(a.error("room:get", p("room", fourth)).path("code").asText()).as("a refused create leaves no room").isEqualTo("not_found");
                a.ok("room:leave", p("room", r1));
                a.ok("room:join", p("room", r3));
            }
            assertThat(metric(hub, "hubbub_limit_hits_total{limit=\"rooms_per_connection\"}")).isGreaterThanOrEqualTo(2);

            // connections per user: the third is told why and closed with 4503; the first two are unaffected
            try (NativeClient t1 = hub.connect("tabs"); NativeClient t2 = hub.connect("tabs")) {
                t1.event("session:welcome");
                t2.event("session:welcome");
                NativeClient t3 = hub.connect("tabs");
                JsonNode err = t3.take(f -> type(f).equals("error")).path("payload");
                assertThat(err.path("code").asText()).isEqualTo("limit_exceeded");
                assertThat(t3.awaitClose()).isEqualTo(4503);
                assertThat(t1.ok("ping", Json.object()).path("ts").asLong()).isPositive();
                assertThat(t2.ok("ping", Json.object()).path("ts").asLong()).isPositive();
            }
            assertThat(metric(hub, "hubbub_limit_hits_total{limit=\"per_user\"}")).isEqualTo(1);

            // room capacity: a third user is refused, another tab of a member is not
            String small = room("cap");
            try (NativeClient c1 = hub.connect("cap1"); NativeClient c2 = hub.connect("cap2"); NativeClient c3 = hub.connect("cap3");
                 NativeClient c1b = hub.connect("cap1")) {
                c1.ok("room:create", p("room", small, "name", "Small", "capacity", 2));
                c2.ok("room:join", p("room", small));
                assertThat(c3.error("room:join", p("room", small)).path("code").asText()).isEqualTo("room_full");
                c1b.ok("room:join", p("room", small));
                c2.ok("room:leave", p("room", small));
                c3.ok("room:join", p("room", small));
            }
            assertThat(metric(hub, "hubbub_limit_hits_total{limit=\"room_capacity\"}")).isEqualTo(1);
        }
    }

    @Test
    void theConnectionsPerUserLimitHoldsUnderConcurrentConnects() throws Exception {
        try (TestHubbub hub = TestHubbub.start(Map.of("limits.perUser", "2", "limits.connectsPerIpPerSecond", "1000"))) {
            for (int round = 0; round < 5; round++) {
                String user = "burst-" + round;
                String token = hub.token(user);
                List<Thread> threads = new ArrayList<>();
                List<RawWebSocket> sockets = java.util.Collections.synchronizedList(new ArrayList<>());
                java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                for (int i = 0; i < 8; i++) {
                    threads.add(Thread.ofVirtual().start(() -> {
                        try {
                            go.await();
                            sockets.add(RawWebSocket.connect(hub.port(), "/ws?token=" + token, 0));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }));
                }
                go.countDown();
                for (Thread t : threads) t.join();
                int welcomed = 0;
                for (RawWebSocket w : sockets) {
                    RawWebSocket.Frame f = w.read(5000);
                    if (f != null && f.text().contains("session:welcome")) welcomed++;
                }
                assertThat(welcomed).as("round " + round).isEqualTo(2);
                await(() -> hub.server().node().sessionsOf(user).size() == 2, 5000, "the refused connections are gone");
                sockets.forEach(RawWebSocket::close);
                await(() -> hub.server().node().sessionsOf(user).isEmpty() && hub.server().node().userCount() == 0, 5000,
                        "all connections of " + user + " are gone");
            }
        }
    }

    @Test
    void connectionsPerIpAndConnectAttemptsPerSecondAreRefusedAtTheHandshakeWith429() throws Exception {
        try (TestHubbub hub = TestHubbub.start(Map.of("limits.perIp", "3", "limits.connectsPerIpPerSecond", "1000"))) {
            List<RawWebSocket> open = new ArrayList<>();
            for (int i = 0; i < 3; i++) open.add(RawWebSocket.connect(hub.port(), "/ws?token=" + hub.token("ip" + i), 0));
            assertThat(open).allMatch(w -> w.status() == 101);
            try (RawWebSocket fourth = RawWebSocket.connect(hub.port(), "/ws?token=" + hub.token("ip3"), 0)) {
                assertThat(fourth.status()).isEqualTo(429);
                assertThat(fourth.responseHead()).containsIgnoringCase("content-type: application/json");
            }
            open.removeFirst().close();
            await(() -> hub.server().node().connectionCount() == 2, 5000, "the closed connection is released");
            try (RawWebSocket again = RawWebSocket.connect(hub.port(), "/ws?token=" + hub.token("ip4"), 0)) {
                assertThat(again.status()).as("a released slot can be used again").isEqualTo(101);
            }
            open.forEach(RawWebSocket::close);
            assertThat(metric(hub, "hubbub_limit_hits_total{limit=\"per_ip\"}")).isEqualTo(1);
        }
        try (TestHubbub hub = TestHubbub.start(Map.of("limits.connectsPerIpPerSecond", "2"))) {
            List<Integer> statuses = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                try (RawWebSocket w = RawWebSocket.connect(hub.port(), "/ws?token=" + hub.token("rate" + i), 0)) {
                    statuses.add(w.status());
                }
            }
            assertThat(statuses).containsExactly(101, 101, 429);
            Thread.sleep(1100);
            try (RawWebSocket w = RawWebSocket.connect(hub.port(), "/ws?token=" + hub.token("rate-later"), 0)) {
                assertThat(w.status()).as("attempts are allowed again a second later").isEqualTo(101);
            }
            assertThat(metric(hub, "hubbub_limit_hits_total{limit=\"connect_rate\"}")).isEqualTo(1);
        }
    }

    @Test
    void aClientThatNeverAnswersPingsIsClosedWith4009AndLeavesPresence() throws Exception {
        try (TestHubbub hub = TestHubbub.start(Map.of("heartbeat.interval", "200ms", "heartbeat.timeout", "500ms",
                "limits.connectsPerIpPerSecond", "1000"))) {
            String r = room("hb");
            try (NativeClient live = hub.connect("hb-live"); RawWebSocket mute = RawWebSocket.connect(hub.port(), "/ws?token=" + hub.token("hb-mute"), 0)) {
                live.ok("room:create", p("room", r, "name", "Heartbeat"));
                assertThat(mute.status()).isEqualTo(101);
                mute.sendText("{\"type\":\"room:join\",\"id\":1,\"payload\":{\"room\":\"" + r + "\"}}");
                live.take(f -> type(f).equals("presence:join") && f.path("payload").path("user").path("id").asText().equals("hb-mute"));
                long t0 = System.currentTimeMillis();
                int pings = 0;
                int code;
                while (true) { // read everything, answer nothing
                    RawWebSocket.Frame f = mute.read(3000);
                    assertThat(f).as("the server closes the mute client").isNotNull();
                    if (f.opcode() == 9) pings++;
                    if (f.opcode() == 8) {
                        code = f.closeCode();
                        break;
                    }
                }
                assertThat(code).isEqualTo(4009);
                assertThat(pings).as("pinged before being closed").isGreaterThanOrEqualTo(1);
                assertThat(System.currentTimeMillis() - t0).isLessThan(3000);
                long closedAt = System.currentTimeMillis();
                JsonNode left = live.take(f -> type(f).equals("presence:leave")).path("payload");
                assertThat(System.currentTimeMillis() - closedAt).as("a dead client leaves presence at once").isLessThan(1000);
                assertThat(left.path("user").path("id").asText()).isEqualTo("hb-mute");
                assertThat(live.ok("room:members", p("room", r)).path("members")).extracting(m -> m.path("id").asText())
                        .containsExactly("hb-live");
                // a client that answers pings (the JDK's does, automatically) outlives several timeouts
                Thread.sleep(1200);
                assertThat(live.ok("ping", Json.object()).path("ts").asLong()).isPositive();
            }
        }
    }

    @Test
    void aSlowConsumerIsDisconnectedWhileOthersGetEveryMessage() throws Exception {
        try (TestHubbub hub = TestHubbub.start(Map.of("limits.outboundQueueFrames", "128", "limits.outboundQueueBytes", "64KiB",
                "limits.connectsPerIpPerSecond", "1000"))) {
            String r = room("slow");
            try (NativeClient fast = hub.connect("fast");
                 RawWebSocket slow = RawWebSocket.connect(hub.port(), "/ws?token=" + hub.token("slow"), 4096)) {
                fast.ok("room:create", p("room", r, "name", "Slow", "historySize", 10));
                assertThat(slow.status()).isEqualTo(101);
                slow.sendText("{\"type\":\"room:join\",\"id\":1,\"payload\":{\"room\":\"" + r + "\"}}");
                fast.take(f -> type(f).equals("presence:join"));
                Room room = hub.server().node().rooms().local(r).orElseThrow();
                long published = SlowConsumerLoad.publishUntilDropped(hub, room, fast);
                assertThat(room.memberCount()).as("the slow consumer was removed").isEqualTo(1);
                assertThat(published).as("it was cut off after a bounded backlog").isLessThan(20_000);
                assertThat(hub.server().node().connectionCount()).isEqualTo(1);
                assertThat(metric(hub, "hubbub_slow_consumer_closes")).isEqualTo(1);
                // the slow client finds its socket closed once it reads again (its close frame could not be sent)
                int code = slow.awaitClose(10_000);
                assertThat(code).isIn(4008, -1);
                assertThat(fast.ok("message:send", p("room", r, "data", "still here")).path("offset").asLong()).isEqualTo(published + 1);
            }
        }
    }

    @Test
    void underMemoryPressureUpgradesAreRefusedWith503AndStatsShowIt() throws Exception {
        try (TestHubbub hub = TestHubbub.start(Map.of("memory.maxHeapFraction", MemoryPressureTest.thresholdAboveLiveSet(),
                "memory.checkInterval", "50ms"))) {
            try (NativeClient before = hub.connect("mem-before")) {
                before.event("session:welcome");
                List<long[]> ballast = new ArrayList<>();
                double limit = hub.server().config().memory().maxHeapFraction();
                // the watchdog reads the live heap after a GC
                for (int i = 0; i < 64 && MemoryPressureTest.liveFraction() <= limit + 0.01; i++) {
                    ballast.add(new long[4 << 20]); // 32 MiB each
                    System.gc();
                }
                await(() -> hub.server().config() != null && statsPressure(hub), 5000, "the watchdog reports pressure");

                try (RawWebSocket refused = RawWebSocket.connect(hub.port(), "/ws?token=" + hub.token("mem-after"), 0)) {
                    assertThat(refused.status()).isEqualTo(503);
                }
                assertThat(get(hub, "/stats").path("memory").path("pressure").asBoolean()).isTrue();
                assertThat(get(hub, "/ready").path("checks").path("memoryPressure").asBoolean()).isTrue();
                assertThat(before.ok("ping", Json.object()).path("ts").asLong()).as("existing connections keep working").isPositive();
                assertThat(metric(hub, "hubbub_limit_hits_total{limit=\"memory\"}")).isGreaterThanOrEqualTo(1);

                ballast.clear(); // (lifting the pressure: MemoryPressureTest)
            }
        }
    }

    static boolean statsPressure(TestHubbub hub) {
        try {
            return get(hub, "/stats").path("memory").path("pressure").asBoolean();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
