package io.hubbub.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.core.protocol.Json;
import io.hubbub.server.config.ConfigException;
import io.hubbub.server.config.ConfigLoader;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static io.hubbub.server.testing.Frames.p;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The seed's HTTP API (rooms, peers, token validation, ICE servers) and the room lifecycle timers
 * (inactive rooms closed, empty rooms deleted, the memory watchdog's two levels), on a real server.
 */
class SignalingHttpAndLifecycleTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static HttpResponse<String> call(TestHubbub hub, String method, String path, String token, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(hub.http(path)).header("Content-Type", "application/json");
        if (token != null) b.header("Authorization", "Bearer " + token);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.MAPPER.readTree(r.body());
    }

    @Test
    void theSeedsRoutesWorkOnTheSameRoomModel() throws Exception {
        Map<String, String> o = Map.of("features.signaling.turnUrls", "turn:127.0.0.1:3478?transport=udp,turn:127.0.0.1:3478?transport=tcp",
                "features.signaling.turnSecret", "a-turn-secret-for-tests", "features.signaling.turnTtl", "2h");
        try (TestHubbub hub = TestHubbub.start(o)) {
            String room = "http-" + System.nanoTime();
            String ann = hub.token("ann");
            assertThat(call(hub, "POST", "/api/rooms", ann, "{\"roomId\":\"" + room + "\",\"roomName\":\"R\",\"hostId\":\"bob\"}").statusCode())
                    .as("a caller cannot name another user as host").isEqualTo(403);
            HttpResponse<String> created = call(hub, "POST", "/api/rooms", ann,
                    "{\"roomId\":\"" + room + "\",\"roomName\":\"Review\",\"hostId\":\"ann\",\"hostName\":\"Ann\",\"fileId\":\"f1\"}");
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            assertThat(json(created).path("hostId").asText()).isEqualTo("ann");
            assertThat(json(created).path("peerCount").asInt()).isZero();
            assertThat(call(hub, "POST", "/api/rooms", ann, "{\"roomId\":\"" + room + "\",\"roomName\":\"Again\"}").statusCode()).isEqualTo(409);
            assertThat(call(hub, "POST", "/api/rooms", null, "{\"roomName\":\"x\"}").statusCode()).isEqualTo(401);

            try (NativeClient bob = hub.connect("bob"); NativeClient annWs = hub.connect("ann")) {
                JsonNode joined = bob.ok("signal:join", p("room", room));
                assertThat(joined.at("/room/hostId").asText()).isEqualTo("ann");
                assertThat(joined.at("/iceServers/0/urls")).hasSize(2);
                assertThat(joined.at("/iceServers/0/username").asText()).endsWith(":bob");
                annWs.ok("signal:join", p("room", room));

                JsonNode meta = json(call(hub, "GET", "/api/signaling/rooms/" + room, hub.token("cat"), null));
                assertThat(meta.path("roomName").asText()).isEqualTo("Review");
                assertThat(meta.path("peerCount").asInt()).isEqualTo(2);
                JsonNode peers = json(call(hub, "GET", "/api/rooms/" + room + "/peers", hub.token("cat"), null));
                assertThat(peers).extracting(n -> n.path("userId").asText()).containsExactly("bob", "ann");
                assertThat(peers.get(1).path("isHost").asBoolean()).isTrue();
                assertThat(peers.get(0).path("lastHeartbeat").asLong()).isPositive();
                // the core's own room view still answers on its path
                assertThat(json(call(hub, "GET", "/api/rooms/" + room, hub.token("cat"), null)).path("id").asText()).isEqualTo(room);
                assertThat(call(hub, "GET", "/api/signaling/rooms/nope", hub.token("cat"), null).statusCode()).isEqualTo(404);

                assertThat(call(hub, "DELETE", "/api/rooms/" + room, hub.token("bob"), null).statusCode()).as("not the host").isEqualTo(403);
                HttpResponse<String> deleted = call(hub, "DELETE", "/api/rooms/" + room, ann, null);
                assertThat(json(deleted).path("success").asBoolean()).isTrue();
                assertThat(bob.event("room:closed").path("reason").asText()).isEqualTo("closed by the host");
                assertThat(call(hub, "GET", "/api/rooms/" + room + "/peers", ann, null).statusCode()).isEqualTo(404);
            }

            // tokens: POST /api/auth/token (room-scoped JWT) then the seed's validate
            String scoped = json(call(hub, "POST", "/api/auth/token", ann, "{\"roomId\":\"" + room + "\"}")).path("token").asText();
            JsonNode valid = json(call(hub, "POST", "/api/auth/validate", null, "{\"roomId\":\"" + room + "\",\"token\":\"" + scoped + "\",\"userId\":\"ann\"}"));
            assertThat(valid.path("valid").asBoolean()).isTrue();
            assertThat(valid.path("userId").asText()).isEqualTo("ann");
            JsonNode other = json(call(hub, "POST", "/api/auth/validate", null, "{\"roomId\":\"elsewhere\",\"token\":\"" + scoped + "\"}"));
            assertThat(other.path("valid").asBoolean()).isFalse();
            assertThat(other.path("error").asText()).contains("other rooms");
            assertThat(json(call(hub, "POST", "/api/auth/validate", null, "{\"roomId\":\"" + room + "\",\"token\":\"" + scoped + "\",\"userId\":\"bob\"}"))
                    .path("valid").asBoolean()).isFalse();
            assertThat(json(call(hub, "POST", "/api/auth/validate", hub.token("bob"), "{\"roomId\":\"" + room + "\",\"token\":\"" + scoped + "\"}"))
                    .path("valid").asBoolean()).as("checked against the caller's identity").isFalse();
            assertThat(json(call(hub, "POST", "/api/auth/validate", null, "{\"roomId\":\"" + room + "\",\"token\":\"forged.jwt.token\"}"))
                    .path("error").asText()).isEqualTo("invalid or expired token");

            // ICE servers with TURN REST credentials, refreshable
            HttpResponse<String> ice = call(hub, "GET", "/api/signaling/ice-servers", scoped, null);
            JsonNode turn = json(ice).at("/iceServers/0");
            long expiry = Long.parseLong(turn.path("username").asText().split(":")[0]);
            assertThat(expiry * 1000).isEqualTo(json(ice).path("expiresAt").asLong());
            assertThat(expiry - System.currentTimeMillis() / 1000).isBetween(7000L, 7300L);
            assertThat(turn.path("credential").asText())
                    .isEqualTo(IceServers.password("a-turn-secret-for-tests".getBytes(), turn.path("username").asText()));
            assertThat(call(hub, "GET", "/api/signaling/ice-servers", null, null).statusCode()).isEqualTo(401);
        }
    }

    @Test
    void longCallsGetFreshTurnCredentialsBeforeTheyExpire() throws Exception {
        Map<String, String> o = Map.of("features.signaling.turnUrls", "turn:127.0.0.1:3478", "features.signaling.turnSecret", "a-turn-secret-for-tests",
                "features.signaling.turnTtl", "2s", "features.signaling.heartbeatInterval", "100ms");
        try (TestHubbub hub = TestHubbub.start(o); NativeClient ann = hub.connect("ann");
             SeedClient bob = SeedClient.connect("ws://127.0.0.1:" + hub.port() + "/signaling?token=" + hub.token("bob"))) {
            String room = "turn-" + System.nanoTime();
            JsonNode joined = ann.ok("signal:join", p("room", room, "create", true));
            long first = joined.path("expiresAt").asLong();
            assertThat(joined.path("refreshAt").asLong()).isLessThan(first);
            JsonNode fresh = ann.event("signal:ice-servers");
            assertThat(fresh.path("expiresAt").asLong()).isGreaterThan(first);
            String username = fresh.at("/iceServers/0/username").asText();
            assertThat(username).endsWith(":ann");
            assertThat(fresh.at("/iceServers/0/credential").asText()).isEqualTo(IceServers.password("a-turn-secret-for-tests".getBytes(), username));
            bob.send(SeedClient.f("join-room", "bob", room));
            bob.frame("room-joined");
            assertThat(bob.frame("ice-servers").at("/data/iceServers/0/username").asText()).endsWith(":bob");
        }
    }

    @Test
    void inactiveRoomsAreClosedAndEmptyOnesDeleted() throws Exception {
        Map<String, String> o = Map.of("features.signaling.cleanupInterval", "100ms", "features.signaling.roomInactivity", "600ms");
        try (TestHubbub hub = TestHubbub.start(o); NativeClient ann = hub.connect("ann")) {
            String room = "idle-" + System.nanoTime();
            ann.ok("signal:join", p("room", room, "create", true));
            JsonNode closed = ann.event("room:closed");
            assertThat(closed.path("room").asText()).isEqualTo(room);
            assertThat(closed.path("reason").asText()).isEqualTo("inactive for 600ms");

            String empty = "empty-" + System.nanoTime();
            ann.ok("signal:join", p("room", empty, "create", true));
            ann.ok("signal:leave", p("room", empty));
            int status = 200;
            for (int i = 0; i < 100 && status == 200; i++) {
                Thread.sleep(50);
                status = call(hub, "GET", "/api/signaling/rooms/" + empty, hub.token("ann"), null).statusCode();
            }
            assertThat(status).as("the empty room is deleted").isEqualTo(404);
            String metrics = call(hub, "GET", "/metrics", null, null).body();
            assertThat(metrics).contains("hubbub_signaling_rooms_closed_total{reason=\"inactive\"}", "hubbub_signaling_rooms_closed_total{reason=\"empty\"}");
        }
    }

    @Test
    void theWatchdogRemovesDeadPeersAboveTheWarningAndClosesIdleRoomsAboveTheCriticalLevel() throws Exception {
        Map<String, String> warn = Map.of("features.signaling.watchdogInterval", "100ms", "features.signaling.heartbeatInterval", "100ms",
                "features.signaling.peerTimeout", "1h", "features.signaling.watchdogWarnHeap", "1KiB", "features.signaling.watchdogCriticalHeap", "1000GiB");
        try (TestHubbub hub = TestHubbub.start(warn); NativeClient bob = hub.connect("bob")) {
            bob.ok("signal:join", p("room", "wd-" + System.nanoTime(), "create", true));
            assertThat(bob.event("signal:removed").path("reason").asText()).isEqualTo("no heartbeat (memory pressure)");
            String metrics = call(hub, "GET", "/metrics", null, null).body();
            assertThat(metrics).contains("hubbub_signaling_watchdog_runs_total{level=\"warning\"}").doesNotContain("level=\"critical\"");
        }
        Map<String, String> critical = Map.of("features.signaling.watchdogInterval", "100ms", "features.signaling.idleAfter", "300ms",
                "features.signaling.watchdogWarnHeap", "1KiB", "features.signaling.watchdogCriticalHeap", "2KiB");
        try (TestHubbub hub = TestHubbub.start(critical); NativeClient ann = hub.connect("ann")) {
            ann.ok("signal:join", p("room", "wd-" + System.nanoTime(), "create", true));
            assertThat(ann.event("room:closed").path("reason").asText()).isEqualTo("closed under memory pressure");
            assertThat(call(hub, "GET", "/metrics", null, null).body()).contains("hubbub_signaling_watchdog_runs_total{level=\"critical\"}",
                    "hubbub_signaling_rooms_closed_total{reason=\"memory\"}");
        }
    }

    @Test
    void theConfigSectionIsValidatedAndADisabledFeatureIsInvisible() throws Exception {
        assertThatThrownBy(() -> new ConfigLoader().set("features.signaling.capacity", "1").load())
                .isInstanceOf(ConfigException.class).hasMessageContaining("features.signaling.capacity: must be 2..64, got 1");
        assertThatThrownBy(() -> new ConfigLoader().set("features.signaling.turnUrls", "turn:x:3478").load())
                .isInstanceOf(ConfigException.class).hasMessageContaining("features.signaling.turnSecret: must not be empty");
        assertThatThrownBy(() -> new ConfigLoader().set("features.signaling.watchdogWarnHeap", "400MiB").load())
                .isInstanceOf(ConfigException.class).hasMessageContaining("must be below watchdogCriticalHeap");
        try (TestHubbub hub = TestHubbub.start(Map.of("features.signaling.enabled", "false")); NativeClient ann = hub.connect("ann")) {
            assertThat(ann.error("signal:join", p("room", "r")).path("code").asText()).isEqualTo("unknown_event");
            assertThat(hub.server().httpApi().routes()).noneMatch(r -> r.contains("signaling") || r.equals("POST /api/rooms"));
            assertThat(hub.server().features().adapters()).isEmpty();
        }
    }
}
