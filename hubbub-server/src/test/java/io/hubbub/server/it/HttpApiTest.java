package io.hubbub.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.core.protocol.Json;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;

import static io.hubbub.server.testing.Frames.p;
import static io.hubbub.server.testing.Frames.room;
import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP API and the operations endpoints against a real server (docs/PROTOCOL.md "HTTP API", openapi.yaml). */
class HttpApiTest {
    static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    static TestHubbub hub;

    @BeforeAll
    static void start() {
        hub = TestHubbub.start(Map.of("limits.connectsPerIpPerSecond", "1000", "server.mode", "dev"));
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    record Res(int status, JsonNode body, HttpResponse<String> raw) {
        String code() {
            return body.path("error").path("code").asText();
        }

        String message() {
            return body.path("error").path("message").asText();
        }
    }

    static Res call(TestHubbub h, String method, String path, Object body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(h.http(path));
        for (int i = 0; i < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        String text = body == null ? null : body instanceof String s ? s : Json.MAPPER.valueToTree(body).toString();
        if (text != null) b.header("Content-Type", "application/json");
        b.method(method, text == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(text));
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode json = r.body().isEmpty() || !r.headers().firstValue("content-type").orElse("").contains("json")
                    ? Json.object() : Json.MAPPER.readTree(r.body());
            return new Res(r.statusCode(), json, r);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    static Res call(String method, String path, Object body, String... headers) {
        return call(hub, method, path, body, headers);
    }

    static String bearer(String token) {
        return "Bearer " + token;
    }

    @Test
    void signUpSignInMeAndProfile() {
        Res up = call("POST", "/api/auth/signup", Map.of("username", "ada", "password", "correct-horse", "displayName", "Ada L."));
        assertThat(up.status()).isEqualTo(201);
        assertThat(up.body().path("user").path("username").asText()).isEqualTo("ada");
        assertThat(up.body().path("user").path("displayName").asText()).isEqualTo("Ada L.");
        assertThat(up.body().path("user").path("role").asText()).isEqualTo("user");
        assertThat(up.body().toString()).doesNotContain("correct-horse").doesNotContainIgnoringCase("argon");
        String id = up.body().path("user").path("id").asText();

        // one 400 per invalid field
        assertThat(call("POST", "/api/auth/signup", Map.of("username", "a", "password", "correct-horse")).status()).isEqualTo(400);
        assertThat(call("POST", "/api/auth/signup", Map.of("username", "bad name!", "password", "correct-horse")).status()).isEqualTo(400);
        assertThat(call("POST", "/api/auth/signup", Map.of("username", "bob", "password", "short")).status()).isEqualTo(400);
        assertThat(call("POST", "/api/auth/signup", Map.of("username", "bob", "password", "correct-horse", "displayName", "x".repeat(65))).status()).isEqualTo(400);
        assertThat(call("POST", "/api/auth/signup", Map.of("username", "bob", "password", 12345678)).status()).isEqualTo(400);
        assertThat(call("POST", "/api/auth/signup", Map.of("password", "correct-horse")).code()).isEqualTo("bad_request");
        assertThat(call("POST", "/api/auth/signup", "{not json").code()).isEqualTo("bad_request");
        assertThat(call("POST", "/api/auth/signup", "[]").code()).isEqualTo("bad_request");
        assertThat(call("POST", "/api/auth/signup", null).code()).isEqualTo("bad_request");
        // taken, in any letter case
        Res taken = call("POST", "/api/auth/signup", Map.of("username", "ADA", "password", "another-pass"));
        assertThat(taken.status()).isEqualTo(409);
        assertThat(taken.code()).isEqualTo("conflict");

        Res in = call("POST", "/api/auth/signin", Map.of("username", "ada", "password", "correct-horse"));
        assertThat(in.status()).isEqualTo(200);
        String token = in.body().path("token").asText();
        assertThat(in.body().path("expiresAt").asLong()).isGreaterThan(System.currentTimeMillis() / 1000);
        Res wrongPassword = call("POST", "/api/auth/signin", Map.of("username", "ada", "password", "wrong-horse"));
        Res unknownUser = call("POST", "/api/auth/signin", Map.of("username", "nobody", "password", "wrong-horse"));
        assertThat(wrongPassword.status()).isEqualTo(401);
        assertThat(unknownUser.status()).isEqualTo(401);
        assertThat(unknownUser.body()).as("no user enumeration").isEqualTo(wrongPassword.body());

        Res me = call("GET", "/api/me", null, "Authorization", bearer(token));
        assertThat(me.status()).isEqualTo(200);
        assertThat(me.body().path("id").asText()).isEqualTo(id);
        assertThat(call("GET", "/api/me", null).status()).isEqualTo(401);
        assertThat(call("GET", "/api/me", null, "Authorization", bearer("garbage")).status()).isEqualTo(401);
        assertThat(call("GET", "/api/me", null, "Authorization", "Basic YWRhOnB3").status()).isEqualTo(401);

        Res patched = call("PATCH", "/api/me", Map.of("displayName", "Countess", "avatarUrl", "https://example.com/a.png"),
                "Authorization", bearer(token));
        assertThat(patched.status()).isEqualTo(200);
        assertThat(patched.body().path("displayName").asText()).isEqualTo("Countess");
        assertThat(call("PATCH", "/api/me", Map.of("avatarUrl", "javascript:alert(1)"), "Authorization", bearer(token)).status()).isEqualTo(400);
        assertThat(call("PATCH", "/api/me", Map.of("displayName", "  "), "Authorization", bearer(token)).status()).isEqualTo(400);
        assertThat(call("PATCH", "/api/me", Map.of("displayName", 5), "Authorization", bearer(token)).status()).isEqualTo(400);
        assertThat(call("GET", "/api/me", null, "Authorization", bearer(token)).body().path("displayName").asText()).isEqualTo("Countess");

        // the token works on the WebSocket too
        try (NativeClient c = NativeClient.connect(hub.wsUrl() + "?token=" + token)) {
            assertThat(c.event("session:welcome").path("user").path("id").asText()).isEqualTo(id);
        }
    }

    @Test
    void signUpCanBeDisabled() {
        try (TestHubbub closed = TestHubbub.start(Map.of("auth.signupEnabled", "false"))) {
            Res r = call(closed, "POST", "/api/auth/signup", Map.of("username", "eve", "password", "correct-horse"));
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.code()).isEqualTo("forbidden");
        }
    }

    @Test
    void roomScopedTokensLetTheirHolderJoinThatRoomOnly() {
        String r = room("scoped");
        String other = room("other");
        try (NativeClient host = hub.connect("tok-host")) {
            host.ok("room:create", p("room", r, "name", "Scoped", "visibility", "private"));
            host.ok("room:create", p("room", other, "name", "Other"));
            Res t = call("POST", "/api/auth/token", Map.of("roomId", r), "Authorization", bearer(hub.token("tok-host")));
            assertThat(t.status()).isEqualTo(200);
            assertThat(t.body().path("roomId").asText()).isEqualTo(r);
            assertThat(t.body().path("expiresAt").asLong()).isPositive();
            assertThat(call("POST", "/api/auth/token", Map.of("roomId", r)).status()).isEqualTo(401);
            assertThat(call("POST", "/api/auth/token", Map.of("roomId", "bad id!"), "Authorization", bearer(hub.token("x"))).status()).isEqualTo(400);
            try (NativeClient g = NativeClient.connect(hub.wsUrl() + "?token=" + t.body().path("token").asText())) {
                g.ok("room:join", p("room", r));
                assertThat(g.error("room:join", p("room", other)).path("code").asText()).isEqualTo("forbidden");
            }
        }
    }

    @Test
    void serverPublishingNeedsTheApiKey() {
        String r = room("pub");
        try (NativeClient c = hub.connect("pub-reader")) {
            c.ok("room:create", p("room", r, "name", "Pub"));
            c.ok("topic:subscribe", p("topic", "http.news"));
            Map<String, Object> body = Map.of("room", r, "data", Map.of("text", "from the server"));
            assertThat(call("POST", "/api/publish", body).status()).isEqualTo(401);
            assertThat(call("POST", "/api/publish", body, "X-Api-Key", "wrong-key").status()).isEqualTo(401);
            Res user = call("POST", "/api/publish", body, "Authorization", bearer(hub.token("pub-reader")));
            assertThat(user.status()).isEqualTo(403);
            assertThat(user.code()).isEqualTo("forbidden");

            Res ok = call("POST", "/api/publish", body, "X-Api-Key", TestHubbub.API_KEY);
            assertThat(ok.status()).isEqualTo(200);
            assertThat(ok.body().path("offset").asLong()).isEqualTo(1);
            JsonNode m = c.event("message:new");
            assertThat(m.path("from").path("id").asText()).isEqualTo("server");
            assertThat(m.path("data").path("text").asText()).isEqualTo("from the server");
            assertThat(call("POST", "/api/publish", Map.of("room", r, "data", 2), "Authorization", bearer(hub.adminToken("root"))).status())
                    .as("an admin token may publish too").isEqualTo(200);
            c.event("message:new");

            assertThat(call("POST", "/api/publish", Map.of("room", "no-such-room", "data", 1), "X-Api-Key", TestHubbub.API_KEY).status()).isEqualTo(404);
            assertThat(call("POST", "/api/publish", Map.of("data", 1), "X-Api-Key", TestHubbub.API_KEY).status()).isEqualTo(400);
            assertThat(call("POST", "/api/publish", Map.of("room", r), "X-Api-Key", TestHubbub.API_KEY).status()).isEqualTo(400);

            Res b = call("POST", "/api/broadcast", Map.of("event", "note", "data", Map.of("n", 7),
                    "targets", List.of(Map.of("room", r), Map.of("topic", "http.news"), Map.of("user", "pub-reader"), Map.of("room", "no-such-room"))),
                    "Authorization", bearer(TestHubbub.API_KEY));
            assertThat(b.status()).isEqualTo(200);
            JsonNode results = b.body().path("results");
            assertThat(results).hasSize(4);
            assertThat(results.get(0).path("offset").asLong()).isEqualTo(3);
            assertThat(results.get(3).path("error").path("code").asText()).isEqualTo("not_found");
            assertThat(c.event("note").path("data").path("n").asInt()).isEqualTo(7);
            assertThat(c.event("topic:message").path("event").asText()).isEqualTo("note");
            assertThat(call("POST", "/api/broadcast", Map.of("data", 1, "targets", List.of()), "X-Api-Key", TestHubbub.API_KEY).status()).isEqualTo(400);
            assertThat(call("POST", "/api/broadcast", Map.of("data", 1, "targets", List.of(Map.of("room", r)))).status()).isEqualTo(401);
        }
    }

    @Test
    void roomsAndTheAdminApi() throws Exception {
        String pub = room("api-public");
        String priv = room("api-private");
        try (NativeClient host = hub.connect("api-host"); NativeClient member = hub.connect("api-member");
             NativeClient kicked1 = hub.connect("api-kicked"); NativeClient kicked2 = hub.connect("api-kicked")) {
            host.ok("room:create", p("room", pub, "name", "Public"));
            host.ok("room:create", p("room", priv, "name", "Private", "visibility", "private"));
            member.ok("room:join", p("room", pub));
            kicked1.ok("room:join", p("room", pub));
            kicked2.event("session:welcome");

            String user = bearer(hub.token("api-reader"));
            Res list = call("GET", "/api/rooms?limit=200", null, "Authorization", user);
            assertThat(list.status()).isEqualTo(200);
            assertThat(list.body().path("rooms")).extracting(r -> r.path("id").asText()).contains(pub).doesNotContain(priv);
            assertThat(call("GET", "/api/rooms", null).status()).isEqualTo(401);
            assertThat(call("GET", "/api/rooms/" + pub, null, "Authorization", user).body().path("members").asInt()).isEqualTo(3);
            assertThat(call("GET", "/api/rooms/" + priv, null, "Authorization", user).status()).as("private rooms are hidden").isEqualTo(404);

            String[] admin = {"X-Api-Key", TestHubbub.API_KEY};
            assertThat(call("GET", "/api/admin/rooms", null, "Authorization", user).status()).isEqualTo(403);
            assertThat(call("GET", "/api/admin/rooms", null).status()).isEqualTo(401);
            assertThat(call("GET", "/api/admin/rooms?limit=1000", null, admin).body().path("rooms")).extracting(r -> r.path("id").asText()).contains(pub, priv);
            assertThat(call("GET", "/api/admin/rooms/" + priv, null, "Authorization", bearer(hub.adminToken("root"))).body().path("visibility").asText()).isEqualTo("private");
            assertThat(call("GET", "/api/admin/rooms/no-such-room", null, admin).status()).isEqualTo(404);
            assertThat(call("GET", "/api/admin/rooms/" + pub + "/members", null, admin).body().path("members"))
                    .extracting(m -> m.path("id").asText()).containsExactlyInAnyOrder("api-host", "api-member", "api-kicked");
            JsonNode conns = call("GET", "/api/admin/connections", null, admin).body();
            assertThat(conns.path("connections").asInt()).isGreaterThanOrEqualTo(4);
            assertThat(conns.path("byProtocol").path("native").asInt()).isGreaterThanOrEqualTo(4);
            assertThat(conns.path("sessions")).extracting(s -> s.path("user").asText()).contains("api-kicked");

            Res kick = call("POST", "/api/admin/users/api-kicked/disconnect", null, admin);
            assertThat(kick.status()).isEqualTo(200);
            assertThat(kick.body().path("disconnected").asInt()).isEqualTo(2);
            assertThat(kicked1.awaitClose()).isEqualTo(4010);
            assertThat(kicked2.awaitClose()).isEqualTo(4010);
            assertThat(host.take(f -> f.path("type").asText().equals("presence:leave")).path("payload").path("user").path("id").asText()).isEqualTo("api-kicked");

            Res closed = call("DELETE", "/api/admin/rooms/" + pub + "?reason=maintenance", null, admin);
            assertThat(closed.status()).isEqualTo(200);
            assertThat(member.event("room:closed").path("reason").asText()).isEqualTo("maintenance");
            assertThat(call("GET", "/api/rooms/" + pub, null, "Authorization", user).status()).isEqualTo(404);
            assertThat(call("DELETE", "/api/admin/rooms/" + pub, null, admin).status()).isEqualTo(404);
        }
    }

    @Test
    void operationsEndpoints() {
        Res health = call("GET", "/health", null);
        assertThat(health.status()).isEqualTo(200);
        assertThat(health.body().path("status").asText()).isEqualTo("ok");
        Res ready = call("GET", "/ready", null);
        assertThat(ready.status()).isEqualTo(200);
        assertThat(ready.body().path("ready").asBoolean()).isTrue();
        assertThat(ready.body().path("checks").path("database").asText()).isEqualTo("ok");
        assertThat(ready.body().path("checks").path("engine").asText()).isEqualTo("ok");
        Res info = call("GET", "/info", null);
        assertThat(info.body().path("name").asText()).isEqualTo("hubbub");
        assertThat(info.body().path("version").asText()).isNotBlank();
        assertThat(info.body().path("node").asText()).isEqualTo(hub.server().node().settings().nodeId());

        try (NativeClient c = hub.connect("ops-user")) {
            c.event("session:welcome");
            c.error("no:such:event", Json.object());
            c.ok("ping", Json.object());
            JsonNode stats = call("GET", "/stats", null).body();
            assertThat(stats.path("connections").asInt()).isGreaterThanOrEqualTo(1);
            assertThat(stats.has("rooms")).isTrue();
            assertThat(stats.has("members")).isTrue();
            assertThat(stats.has("messagesInPerSecond")).isTrue();
            assertThat(stats.has("messagesOutPerSecond")).isTrue();
            assertThat(stats.path("memory").path("heapMaxBytes").asLong()).isPositive();
            assertThat(stats.path("uptimeSeconds").asLong()).isNotNegative();

            Res metrics = call("GET", "/metrics", null);
            assertThat(metrics.status()).isEqualTo(200);
            assertThat(metrics.raw().headers().firstValue("content-type").orElse("")).startsWith("text/plain");
            String text = metrics.raw().body();
            assertThat(text).contains("hubbub_connections ").contains("hubbub_errors_total{code=\"unknown_event\"}")
                    .contains("hubbub_limit_hits_total{limit=\"per_ip\"}").contains("jvm_memory_used_bytes")
                    .contains("hubbub_handler_latency_seconds_bucket");
            double unknown = text.lines().filter(l -> l.startsWith("hubbub_errors_total{code=\"unknown_event\"}"))
                    .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
            assertThat(unknown).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void corsUnknownPathsAndMethods() {
        Res pre = call("OPTIONS", "/api/auth/signin", null, "Origin", "https://app.example.com",
                "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type");
        assertThat(pre.status()).isEqualTo(204);
        assertThat(pre.raw().headers().firstValue("access-control-allow-origin")).contains("https://app.example.com");
        assertThat(pre.raw().headers().firstValue("access-control-allow-methods").orElse("")).contains("POST");
        assertThat(pre.raw().headers().firstValue("access-control-allow-headers").orElse("").toLowerCase()).contains("content-type");
        assertThat(call("GET", "/health", null, "Origin", "https://app.example.com").raw().headers()
                .firstValue("access-control-allow-origin")).contains("https://app.example.com");

        try (TestHubbub strict = TestHubbub.start(Map.of("server.allowedOrigins", "https://good.example.com"))) {
            Res bad = call(strict, "OPTIONS", "/api/auth/signin", null, "Origin", "https://evil.example.com",
                    "Access-Control-Request-Method", "POST");
            assertThat(bad.raw().headers().firstValue("access-control-allow-origin")).isEmpty();
            Res good = call(strict, "OPTIONS", "/api/auth/signin", null, "Origin", "https://good.example.com",
                    "Access-Control-Request-Method", "POST");
            assertThat(good.raw().headers().firstValue("access-control-allow-origin")).contains("https://good.example.com");
        }

        Res notFound = call("GET", "/api/nothing-here", null);
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.code()).isEqualTo("not_found");
        Res wrongMethod = call("DELETE", "/api/auth/signin", null);
        assertThat(wrongMethod.status()).isEqualTo(405);
        assertThat(wrongMethod.body().path("error").path("message").asText()).isNotBlank();
        assertThat(call("GET", "/api/publish", null).status()).isEqualTo(405);
    }
}
