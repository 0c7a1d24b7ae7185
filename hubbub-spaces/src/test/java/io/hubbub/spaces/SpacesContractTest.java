package io.hubbub.spaces;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.protocol.Json;
import io.hubbub.redis.RedisServers;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import io.hubbub.store.EmbeddedPostgresHolder;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seed's contract end to end on a real server: every /api/v1 route with its 200/400/403 answers
 * (no side effect on refusal), and the WebSocket frames on /api/v1/ws next to the native space:*
 * events — on SQLite with the memory engine, and on PostgreSQL with Redis (plus positions restored
 * from the engine by the next server).
 */
class SpacesContractTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final Map<String, String> FAST = Map.of("features.spaces.movesPerSecond", "1000", "features.spaces.moveBurst", "1000");

    record Res(int status, JsonNode body) {}

    @Test
    void onSqliteAndTheMemoryEngine() throws Exception {
        try (TestHubbub hub = TestHubbub.start(FAST)) {
            new Contract(hub).run();
        }
    }

    @Test
    void onPostgresAndRedisWithPositionsRestoredByTheNextServer() throws Exception {
        try (RedisServers.Server redis = RedisServers.single()) {
            Map<String, String> o = new HashMap<>(FAST);
            o.put("storage.jdbcUrl", EmbeddedPostgresHolder.freshDatabaseUrl());
            o.put("engine.type", "redis");
            o.put("engine.redis.uri", redis.uri());
            o.put("auth.jwtSecret", "a-shared-secret-of-at-least-32-bytes!!");
            Path dir = Files.createTempDirectory("spaces");
            String space, token;
            int x;
            try (TestHubbub hub = TestHubbub.start(dir, o)) {
                Contract c = new Contract(hub);
                c.run();
                token = c.signupAndSignin("walker", "user");
                space = c.ok("POST", "/space", token, "{\"name\":\"hall\",\"dimensions\":\"5x1\"}").path("spaceId").asText();
                try (NativeClient w = seed(hub, null)) {
                    JsonNode joined = join(w, space, token);
                    x = joined.at("/spawn/x").asInt();
                    int to = x == 0 ? 1 : x - 1;
                    move(w, to, 0);
                    x = to;
                }
            }
            try (TestHubbub hub = TestHubbub.start(dir, o); NativeClient w = seed(hub, null)) {
                JsonNode joined = join(w, space, token);
                assertThat(joined.at("/spawn/x").asInt()).as("back at the last accepted position").isEqualTo(x);
            }
        }
    }

    static NativeClient seed(TestHubbub hub, String token) {
        return NativeClient.connect("ws://127.0.0.1:" + hub.port() + "/api/v1/ws" + (token == null ? "" : "?token=" + token));
    }

    static void send(NativeClient c, String type, ObjectNode payload) {
        ObjectNode f = Json.object().put("type", type);
        f.set("payload", payload);
        c.sendRaw(f.toString());
    }

    static JsonNode join(NativeClient c, String spaceId, String token) {
        send(c, "join", Json.object().put("spaceId", spaceId).put("token", token));
        return c.event("space-joined");
    }

    static void move(NativeClient c, int x, int y) {
        send(c, "move", Json.object().put("x", x).put("y", y));
    }

    /** One server's worth of the contract. */
    static final class Contract {
        final TestHubbub hub;

        Contract(TestHubbub hub) {
            this.hub = hub;
        }

        Res call(String method, String path, String token, String body) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + hub.port() + "/api/v1" + path))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                    .header("Content-Type", "application/json");
            if (token != null) b.header("Authorization", "Bearer " + token);
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Res(r.statusCode(), r.body().isEmpty() ? Json.object() : Json.MAPPER.readTree(r.body()));
        }

        JsonNode ok(String method, String path, String token, String body) throws Exception {
            Res r = call(method, path, token, body);
            assertThat(r.status()).as(method + " " + path + " " + r.body()).isEqualTo(200);
            return r.body();
        }

        void status(int expected, String method, String path, String token, String body) throws Exception {
            Res r = call(method, path, token, body);
            assertThat(r.status()).as(method + " " + path + " " + body + " → " + r.body()).isEqualTo(expected);
        }

        String signupAndSignin(String name, String type) throws Exception {
            String u = name + System.nanoTime() % 1_000_000;
            JsonNode id = ok("POST", "/signup", null, "{\"username\":\"" + u + "\",\"password\":\"secret-pass-1\",\"type\":\"" + type + "\"}");
            assertThat(id.path("userId").isTextual()).isTrue();
            return ok("POST", "/signin", null, "{\"username\":\"" + u + "\",\"password\":\"secret-pass-1\"}").path("token").asText();
        }

        void run() throws Exception {
            // accounts
            String u = "ann" + System.nanoTime() % 1_000_000;
            ok("POST", "/signup", null, "{\"username\":\"" + u + "\",\"password\":\"secret-pass-1\",\"type\":\"user\"}");
            status(400, "POST", "/signup", null, "{\"username\":\"" + u + "\",\"password\":\"secret-pass-1\",\"type\":\"user\"}");
            status(400, "POST", "/signup", null, "{\"username\":\"x" + u + "\",\"password\":\"secret-pass-1\"}");
            status(400, "POST", "/signup", null, "{\"username\":\"y" + u + "\",\"password\":\"secret-pass-1\",\"type\":\"boss\"}");
            status(400, "POST", "/signup", null, "{\"username\":");
            status(403, "POST", "/signin", null, "{\"username\":\"" + u + "\",\"password\":\"wrong-pass-1\"}");
            String ann = ok("POST", "/signin", null, "{\"username\":\"" + u + "\",\"password\":\"secret-pass-1\"}").path("token").asText();
            String admin = signupAndSignin("boss", "admin");
            String bob = signupAndSignin("bob", "user");

            // admin routes: 403 without, with a forged/unsigned/tampered token or as a user, and nothing is created
            int elements = ok("GET", "/elements", null, null).path("elements").size();
            String el = "{\"imageUrl\":\"https://img/x.png\",\"width\":1,\"height\":1,\"static\":true}";
            String unsigned = "eyJhbGciOiJub25lIn0." + ann.split("\\.")[1] + ".";
            for (String t : new String[] {null, "garbage", unsigned, ann + "x", ann})
                status(403, "POST", "/admin/element", t, el);
            assertThat(ok("GET", "/elements", null, null).path("elements").size()).isEqualTo(elements);
            status(400, "POST", "/admin/element", admin, "{\"imageUrl\":\"https://img/x.png\",\"width\":\"1\",\"height\":1,\"static\":true}");
            String wall = ok("POST", "/admin/element", admin, el).path("id").asText();
            String rug = ok("POST", "/admin/element", admin, el.replace("true", "false")).path("id").asText();
            ok("PUT", "/admin/element/" + wall, admin, "{\"imageUrl\":\"https://img/y.png\"}");
            status(400, "PUT", "/admin/element/nope", admin, "{\"imageUrl\":\"https://img/y.png\"}");
            JsonNode w = find(ok("GET", "/elements", null, null).path("elements"), wall);
            assertThat(w.path("imageUrl").asText()).isEqualTo("https://img/y.png");
            assertThat(w.path("width").asInt()).isEqualTo(1);
            assertThat(w.path("static").asBoolean()).isTrue();
            String avatar = ok("POST", "/admin/avatar", admin, "{\"imageUrl\":\"https://img/a.png\",\"name\":\"Cat\"}").path("avatarId").asText();
            assertThat(ok("GET", "/avatars", null, null).path("avatars")).anyMatch(a -> a.path("id").asText().equals(avatar) && a.path("name").asText().equals("Cat"));
            status(400, "POST", "/admin/map", admin, "{\"thumbnail\":\"https://t\",\"dimensions\":\"10x10\",\"name\":\"m\",\"defaultElements\":[{\"elementId\":\"nope\",\"x\":1,\"y\":1}]}");
            String map = ok("POST", "/admin/map", admin, "{\"thumbnail\":\"https://t\",\"dimensions\":\"10x8\",\"name\":\"m\",\"defaultElements\":[{\"elementId\":\""
                    + wall + "\",\"x\":1,\"y\":1},{\"elementId\":\"" + rug + "\",\"x\":2,\"y\":2}]}").path("id").asText();

            // user metadata
            status(403, "POST", "/user/metadata", null, "{\"avatarId\":\"" + avatar + "\"}");
            status(400, "POST", "/user/metadata", ann, "{\"avatarId\":\"nope\"}");
            status(400, "POST", "/user/metadata", ann, "{}");
            ok("POST", "/user/metadata", ann, "{\"avatarId\":\"" + avatar + "\"}");
            String annId = hub.server().node().tokens().verify(ann).userId();
            JsonNode bulk = ok("GET", "/user/metadata/bulk?ids=%5B" + annId + ",nobody%5D", ann, null).path("avatars");
            assertThat(bulk).hasSize(1);
            assertThat(bulk.get(0).path("avatarId").asText()).isEqualTo(avatar);

            // spaces
            for (String bad : new String[] {"{\"name\":\"s\"}", "{\"name\":\"s\",\"dimensions\":\"abc\"}", "{\"name\":\"s\",\"dimensions\":\"100\"}",
                    "{\"name\":\"s\",\"dimensions\":\"100x\"}", "{\"name\":\"s\",\"dimensions\":\"x200\"}", "{\"name\":\"s\",\"dimensions\":\"-5x10\"}",
                    "{\"name\":\"s\",\"mapId\":\"nope\"}"})
                status(400, "POST", "/space", ann, bad);
            status(403, "POST", "/space", null, "{\"name\":\"s\",\"dimensions\":\"5x5\"}");
            assertThat(ok("GET", "/space/all", ann, null).path("spaces")).isEmpty();
            String fromMap = ok("POST", "/space", ann, "{\"name\":\"office\",\"mapId\":\"" + map + "\"}").path("spaceId").asText();
            String other = ok("POST", "/space", ann, "{\"name\":\"copy\",\"mapId\":\"" + map + "\"}").path("spaceId").asText();
            JsonNode sp = ok("GET", "/space/" + fromMap, ann, null);
            assertThat(sp.path("dimensions").asText()).isEqualTo("10x8");
            assertThat(sp.path("elements")).hasSize(2);
            assertThat(sp.path("elements")).anyMatch(e -> e.at("/element/id").asText().equals(wall) && e.path("x").asInt() == 1
                    && e.at("/element/static").asBoolean() && e.at("/element/imageUrl").asText().equals("https://img/y.png"));
            status(400, "POST", "/space/element", ann, "{\"elementId\":\"" + rug + "\",\"spaceId\":\"" + fromMap + "\",\"x\":10,\"y\":0}");
            status(400, "POST", "/space/element", ann, "{\"elementId\":\"" + rug + "\",\"spaceId\":\"" + fromMap + "\",\"x\":0,\"y\":8}");
            status(400, "POST", "/space/element", ann, "{\"elementId\":\"" + rug + "\",\"spaceId\":\"" + fromMap + "\",\"x\":-1,\"y\":0}");
            status(400, "POST", "/space/element", ann, "{\"elementId\":\"nope\",\"spaceId\":\"" + fromMap + "\",\"x\":0,\"y\":0}");
            status(400, "POST", "/space/element", ann, "{\"elementId\":\"" + rug + "\",\"spaceId\":\"nope\",\"x\":0,\"y\":0}");
            status(403, "POST", "/space/element", bob, "{\"elementId\":\"" + rug + "\",\"spaceId\":\"" + fromMap + "\",\"x\":9,\"y\":7}");
            String placed = ok("POST", "/space/element", ann, "{\"elementId\":\"" + rug + "\",\"spaceId\":\"" + fromMap + "\",\"x\":9,\"y\":7}").path("id").asText();
            assertThat(ok("GET", "/space/" + fromMap, ann, null).path("elements")).hasSize(3);
            assertThat(ok("GET", "/space/" + other, ann, null).path("elements")).as("each space has its own copy").hasSize(2);
            status(403, "DELETE", "/space/element", bob, "{\"id\":\"" + placed + "\"}");
            status(400, "DELETE", "/space/element", ann, "{\"id\":\"nope\"}");
            ok("DELETE", "/space/element", ann, "{\"id\":\"" + placed + "\"}");
            assertThat(ok("GET", "/space/" + fromMap, ann, null).path("elements")).hasSize(2);
            JsonNode all = ok("GET", "/space/all", ann, null).path("spaces");
            assertThat(all).hasSize(2);
            assertThat(all.get(0).path("dimensions").asText()).isEqualTo("10x8");
            assertThat(ok("GET", "/space/all", bob, null).path("spaces")).isEmpty();
            status(403, "DELETE", "/space/" + other, bob, null);
            status(400, "DELETE", "/space/nope", ann, null);
            ok("DELETE", "/space/" + other, ann, null);
            status(400, "GET", "/space/" + other, ann, null);

            frames(ann, bob, wall);
        }

        /** The WebSocket frames: a 3x1 space whose right tile is a wall. */
        void frames(String ann, String bob, String wall) throws Exception {
            String space = ok("POST", "/space", ann, "{\"name\":\"corridor\",\"dimensions\":\"3x1\",\"persistentChat\":true}").path("spaceId").asText();
            ok("POST", "/space/element", ann, "{\"elementId\":\"" + wall + "\",\"spaceId\":\"" + space + "\",\"x\":2,\"y\":0}");
            String annId = hub.server().node().tokens().verify(ann).userId();
            String bobId = hub.server().node().tokens().verify(bob).userId();
            try (NativeClient a = seed(hub, null); NativeClient b = seed(hub, null); NativeClient intruder = seed(hub, null);
                 NativeClient cat = hub.connect("cat")) {
                JsonNode aj = join(a, space, ann);
                assertThat(aj.path("users")).isEmpty();
                int ax = aj.at("/spawn/x").asInt();
                assertThat(ax).isIn(0, 1);
                assertThat(aj.at("/spawn/y").asInt()).isZero();

                send(intruder, "join", Json.object().put("spaceId", space).put("token", ann + "x"));
                assertThat(intruder.event("error").path("code").asText()).isEqualTo("unauthorized");
                send(intruder, "join", Json.object().put("spaceId", "nope").put("token", bob));
                assertThat(intruder.event("error").path("code").asText()).isEqualTo("not_found");
                intruder.close();

                JsonNode bj = join(b, space, bob);
                int bx = bj.at("/spawn/x").asInt();
                assertThat(bx).as("a free tile").isEqualTo(1 - ax);
                assertThat(bj.path("users")).hasSize(1);
                assertThat(bj.at("/users/0/userId").asText()).isEqualTo(annId);
                JsonNode uj = a.event("user-joined");
                assertThat(uj.path("userId").asText()).isEqualTo(bobId);
                assertThat(uj.path("x").asInt()).isEqualTo(bx);
                assertThat(a.event("proximity-enter").path("peers").get(0).asText()).isEqualTo(bobId);
                assertThat(b.event("proximity-enter").path("peers").get(0).asText()).isEqualTo(annId);

                // ann walks the edges: only one tile, inside, never onto the wall
                int x = ax;
                int[][] rejected = x == 0 ? new int[][] {{-1, 0}, {0, -1}, {0, 1}, {1, 1}, {2, 0}} : new int[][] {{2, 0}, {1, -1}, {1, 1}, {0, 1}, {3, 0}};
                for (int[] r : rejected) {
                    move(a, r[0], r[1]);
                    JsonNode rej = a.event("movement-rejected");
                    assertThat(rej.path("x").asInt()).as("rejected " + r[0] + "," + r[1]).isEqualTo(x);
                    assertThat(rej.path("y").asInt()).isZero();
                }
                send(a, "move", (ObjectNode) Json.MAPPER.readTree("{\"x\":\"left\",\"y\":0}"));
                assertThat(a.event("movement-rejected").path("x").asInt()).isEqualTo(x);
                send(a, "move", (ObjectNode) Json.MAPPER.readTree("{\"x\":0.5,\"y\":0}"));
                assertThat(a.event("movement-rejected").path("x").asInt()).isEqualTo(x);
                int to = 1 - x;
                move(a, to, 0);
                JsonNode mv = b.event("movement");
                assertThat(mv.path("userId").asText()).isEqualTo(annId);
                assertThat(mv.path("x").asInt()).isEqualTo(to);
                assertThat(b.pending()).as("the others saw only the accepted move").noneMatch(f -> f.path("type").asText().equals("movement"));

                // native client in the same space
                JsonNode cj = cat.ok("space:join", Json.object().put("spaceId", space));
                assertThat(cj.path("users")).hasSize(2);
                assertThat(a.event("user-joined").path("userId").asText()).isEqualTo("cat");
                JsonNode cm = cat.ok("space:move", Json.object().put("x", cj.at("/spawn/x").asInt() == 0 ? 1 : 0).put("y", 0));
                assertThat(cm.path("accepted").asBoolean()).isTrue();
                assertThat(b.event("movement").path("userId").asText()).isEqualTo("cat");
                assertThat(cat.error("space:move", Json.object().put("x", "a").put("y", 0)).path("code").asText()).isEqualTo("bad_request");
                assertThat(cat.ok("space:move", Json.object().put("x", 5).put("y", 0)).path("reason").asText()).isEqualTo("not_adjacent");

                // chat: everyone including the sender; spaceId/token in the frame must match
                send(b, "chat-message", Json.object().put("spaceId", space).put("token", bob).put("message", "hi all"));
                for (NativeClient c : new NativeClient[] {a, b}) {
                    JsonNode m = c.event("new-message");
                    assertThat(m.path("userId").asText()).isEqualTo(bobId);
                    assertThat(m.path("message").asText()).isEqualTo("hi all");
                    assertThat(m.path("ts").asLong()).isPositive();
                }
                assertThat(cat.event("space:message").path("message").asText()).isEqualTo("hi all");
                send(b, "chat-message", Json.object().put("spaceId", "elsewhere").put("message", "x"));
                assertThat(b.event("error").path("code").asText()).isEqualTo("forbidden");
                send(b, "chat-message", Json.object().put("spaceId", space).put("token", ann).put("message", "spoof"));
                assertThat(b.event("error").path("code").asText()).isEqualTo("forbidden");
                b.sendRaw("not json");
                assertThat(b.event("error").path("code").asText()).isEqualTo("bad_request");
                send(b, "fly", Json.object());
                assertThat(b.event("error").path("code").asText()).isEqualTo("bad_request");
                send(b, "chat-message", Json.object().put("message", "still here"));
                assertThat(a.event("new-message").path("message").asText()).isEqualTo("still here");
                assertThat(a.pending()).noneMatch(f -> f.toString().contains("spoof") || f.path("payload").path("message").asText().equals("x"));
                JsonNode history = cat.ok("space:history", Json.object().put("spaceId", space));
                assertThat(history.path("persistent").asBoolean()).isTrue();
                assertThat(history.path("messages")).extracting(m -> m.path("message").asText()).containsExactly("hi all", "still here");

                // leaving
                send(b, "leave", Json.object());
                assertThat(a.event("user-left").path("userId").asText()).isEqualTo(bobId);
                cat.close();
                assertThat(a.event("user-left").path("userId").asText()).isEqualTo("cat");
            }
        }

        static JsonNode find(JsonNode array, String id) {
            for (JsonNode n : array) if (n.path("id").asText().equals(id)) return n;
            throw new AssertionError("no " + id + " in " + array);
        }
    }
}
