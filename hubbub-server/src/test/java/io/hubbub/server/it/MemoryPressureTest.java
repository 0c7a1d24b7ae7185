package io.hubbub.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.room.Room;
import io.hubbub.core.room.RoomState;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.RawWebSocket;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.hubbub.server.testing.Frames.p;
import static io.hubbub.server.testing.Frames.type;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The memory watchdog measures the live heap (after GC), never closes rooms with members, and makes
 * {@code /ready} 503 while it refuses connections; password hashing is bounded (item 5 of the security
 * review). The server runs in this JVM, so the test reads the same memory pools the watchdog reads and
 * sets the threshold a little above the live set it finds.
 */
class MemoryPressureTest {
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    /** The live heap as the watchdog reads it: used after the last collection, over the heap pools. */
    static double liveFraction() {
        long used = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            MemoryUsage after = pool.getType() == MemoryType.HEAP ? pool.getCollectionUsage() : null;
            if (after != null) used += after.getUsed();
        }
        return (double) used / Runtime.getRuntime().maxMemory();
    }

    /**
     * A threshold above the current live set by 3 % of the heap (about 180 MiB on a 6 GiB heap), at least
     * 96 MiB: room for the test server's own live data, little ballast needed to cross it.
     */
    static String thresholdAboveLiveSet() {
        System.gc();
        double margin = Math.max(0.03, (96.0 * 1024 * 1024) / Runtime.getRuntime().maxMemory());
        return String.valueOf(Math.round((liveFraction() + margin) * 10_000) / 10_000.0);
    }

    static HttpResponse<String> get(TestHubbub hub, String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(hub.http(path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(TestHubbub hub, String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(hub.http(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static boolean pressure(TestHubbub hub) throws Exception {
        return Json.MAPPER.readTree(get(hub, "/ready").body()).path("checks").path("memoryPressure").asBoolean();
    }

    @Test
    void underPressureRoomsWithMembersStayOpenAndReadyIs503UntilThePressureEnds() throws Exception {
        try (TestHubbub hub = TestHubbub.start(Map.of("memory.maxHeapFraction", thresholdAboveLiveSet(),
                "memory.checkInterval", "20ms", "rooms.idleAfter", "1ms"));
             NativeClient alice = hub.connect("mp-alice")) {
            double threshold = hub.server().config().memory().maxHeapFraction();
            alice.ok("room:create", p("room", "mp-busy", "name", "Busy"));
            alice.ok("message:send", p("room", "mp-busy", "data", Json.object().put("text", "before")));
            Room busy = hub.server().node().rooms().local("mp-busy").orElseThrow();
            for (int i = 0; i < 500 && busy.state() != RoomState.IDLE; i++) Thread.sleep(20);
            assertThat(busy.state()).as("the room went idle (it has a member)").isEqualTo(RoomState.IDLE);
            assertThat(get(hub, "/ready").statusCode()).isEqualTo(200);

            // live data above the threshold: the watchdog trips
            List<long[]> ballast = new ArrayList<>();
            for (int i = 0; i < 64 && liveFraction() <= threshold + 0.01; i++) {
                ballast.add(new long[4 << 20]); // 32 MiB
                System.gc();
            }
            for (int i = 0; i < 250 && !pressure(hub); i++) Thread.sleep(20);
            assertThat(pressure(hub)).as("the watchdog reports pressure").isTrue();

            // the room with a member is untouched: open, same object, the member still talks in it
            assertThat(hub.server().node().rooms().local("mp-busy")).containsSame(busy);
            assertThat(busy.state()).isNotEqualTo(RoomState.CLOSED);
            assertThat(alice.ok("message:send", p("room", "mp-busy", "data", Json.object().put("text", "during")))
                    .path("offset").asLong()).isEqualTo(2);
            JsonNode history = alice.ok("room:history", p("room", "mp-busy"));
            assertThat(history.toString()).contains("before").contains("during");
            assertThat(alice.sees(f -> "room:closed".equals(type(f)), 0)).as("frames before the reply include no room:closed").isFalse();

            HttpResponse<String> ready = get(hub, "/ready");
            assertThat(ready.statusCode()).as("/ready while refusing connections: " + ready.body()).isEqualTo(503);
            try (RawWebSocket refused = RawWebSocket.connect(hub.port(), "/ws?token=" + hub.token("mp-late"), 0)) {
                assertThat(refused.status()).isEqualTo(503);
            }
            // the pressure ends: accepting and ready again
            ballast.clear();
            for (int i = 0; i < 250 && pressure(hub); i++) {
                System.gc();
                Thread.sleep(20);
            }
            assertThat(get(hub, "/ready").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void aSignInFloodDoesNotTripTheWatchdog() throws Exception {
        try (TestHubbub hub = TestHubbub.start(Map.of("memory.maxHeapFraction", thresholdAboveLiveSet(),
                "memory.checkInterval", "10ms"))) {
            assertThat(post(hub, "/api/auth/signup", "{\"username\":\"flood-target\",\"password\":\"right-password-1\"}")
                    .statusCode()).isEqualTo(201);
            // 160 failed sign-ins (3 GiB of Argon2 garbage) from 4 clients; /ready is read between them
            ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                List<Future<?>> all = new ArrayList<>();
                for (int c = 0; c < 4; c++) {
                    all.add(clients.submit(() -> {
                        for (int i = 0; i < 40; i++) {
                            int status = post(hub, "/api/auth/signin", "{\"username\":\"flood-target\",\"password\":\"wrong-password\"}").statusCode();
                            assertThat(status).isIn(401, 503);
                            HttpResponse<String> ready = get(hub, "/ready");
                            if (ready.statusCode() != 200 || pressure(hub)) seen.add(ready.body());
                        }
                        return null;
                    }));
                }
                for (Future<?> f : all) f.get();
            }
            assertThat(seen).as("/ready answers during the flood that were not ready").isEmpty();
            assertThat(pressure(hub)).isFalse();
        }
    }

    @Test
    void passwordHashingBeyondItsBoundAnswers503AtOnceWithRetryAfter() throws Exception {
        try (TestHubbub hub = TestHubbub.start(Map.of("auth.maxConcurrentHashes", "1"))) {
            assertThat(post(hub, "/api/auth/signup", "{\"username\":\"bound-target\",\"password\":\"right-password-1\"}")
                    .statusCode()).isEqualTo(201);
            HttpResponse<String> busy = null;
            try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
                // rounds of 6 simultaneous sign-ins until one finds the single permit taken (the first round, in practice)
                for (int round = 0; round < 20 && busy == null; round++) {
                    List<Future<HttpResponse<String>>> answers = new ArrayList<>();
                    for (int c = 0; c < 6; c++) {
                        answers.add(clients.submit(() -> post(hub, "/api/auth/signin",
                                "{\"username\":\"bound-target\",\"password\":\"wrong-password\"}")));
                    }
                    for (Future<HttpResponse<String>> f : answers) {
                        HttpResponse<String> r = f.get();
                        assertThat(r.statusCode()).as(r.body()).isIn(401, 503);
                        if (r.statusCode() == 503) busy = r;
                    }
                }
            }
            assertThat(busy).as("a sign-in beyond the bound is refused").isNotNull();
            assertThat(busy.headers().firstValue("Retry-After")).contains("1");
            assertThat(Json.MAPPER.readTree(busy.body()).path("error").path("code").asText()).isEqualTo("unavailable");
            assertThat(LimitsTest.metric(hub, "hubbub_limit_hits_total{limit=\"password_hashes\"}")).isGreaterThanOrEqualTo(1);
            // the bound frees itself: a sign-in alone succeeds
            assertThat(post(hub, "/api/auth/signin", "{\"username\":\"bound-target\",\"password\":\"right-password-1\"}")
                    .statusCode()).isEqualTo(200);
        }
    }
}
