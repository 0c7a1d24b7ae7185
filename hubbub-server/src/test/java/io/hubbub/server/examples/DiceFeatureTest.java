package io.hubbub.server.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.protocol.Json;
import io.hubbub.redis.RedisServers;
import io.hubbub.server.config.ConfigException;
import io.hubbub.server.config.ConfigLoader;
import io.hubbub.server.config.DefaultsWriter;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import io.hubbub.server.testing.WsTestClient;
import io.hubbub.store.EmbeddedPostgresHolder;
import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.hubbub.server.testing.Frames.p;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The example feature end to end: its event over the native protocol, Socket.IO and its own adapter
 * path, its route and table, its config section and metric — on SQLite with the memory engine and on
 * PostgreSQL with Redis; and when disabled, nothing of it exists.
 */
class DiceFeatureTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @Test
    void onSqliteAndTheMemoryEngine() throws Exception {
        try (TestHubbub hub = TestHubbub.start(Map.of("features.dice.defaultSides", "20"), new DiceFeature())) {
            everyPathServesTheFeature(hub, 20);
        }
    }

    @Test
    void onPostgresAndRedis() throws Exception {
        try (RedisServers.Server redis = RedisServers.single()) {
            Map<String, String> o = new HashMap<>();
            o.put("storage.jdbcUrl", EmbeddedPostgresHolder.freshDatabaseUrl());
            o.put("engine.type", "redis");
            o.put("engine.redis.uri", redis.uri());
            try (TestHubbub hub = TestHubbub.start(o, new DiceFeature())) {
                everyPathServesTheFeature(hub, 6);
            }
        }
    }

    static void everyPathServesTheFeature(TestHubbub hub, int sides) throws Exception {
        String room = "dice-" + System.nanoTime();
        try (NativeClient ann = hub.connect("ann"); NativeClient bob = hub.connect("bob")) {
            ann.ok("room:create", p("room", room, "name", "Dice"));
            bob.ok("room:join", p("room", room));

            // native protocol: typed payload, table write, broadcast, reply
            JsonNode reply = ann.ok("dice:roll", p("room", room));
            int n = reply.path("n").asInt();
            assertThat(n).isBetween(1, sides);
            JsonNode rolled = bob.event("dice:rolled");
            assertThat(rolled.at("/from/id").asText()).isEqualTo("ann");
            assertThat(rolled.at("/data/n").asInt()).isEqualTo(n);
            assertThat(rolled.at("/data/sides").asInt()).isEqualTo(sides);
            assertThat(bob.ok("room:history", p("room", room)).path("messages")).anyMatch(m -> m.at("/data/n").asInt() == n);

            // bad input: one documented message per field, nothing rolled
            JsonNode bad = ann.error("dice:roll", p("room", room, "sides", 1));
            assertThat(bad.path("code").asText()).isEqualTo("bad_request");
            assertThat(bad.path("message").asText()).isEqualTo("field 'sides' must be greater than or equal to 2");
            assertThat(ann.error("dice:roll", p("room", 5)).path("message").asText()).isEqualTo("field 'room' has the wrong type");
            assertThat(ann.error("dice:roll", p("room", room, "colour", "red")).path("message").asText())
                    .isEqualTo("field 'colour' is not a known field");
            assertThat(ann.error("dice:roll", p("room", "elsewhere")).path("code").asText()).isEqualTo("not_found");

            // Socket.IO: the same event with an acknowledgement
            Socket sio = IO.socket(URI.create("http://127.0.0.1:" + hub.port()), IO.Options.builder().setForceNew(true)
                    .setReconnection(false).setAuth(Map.of("token", hub.token("cat"))).setTransports(new String[] {"websocket"}).build());
            try {
                CompletableFuture<Object> welcome = new CompletableFuture<>();
                sio.once("session:welcome", a -> welcome.complete(a[0]));
                sio.connect();
                welcome.get(5, TimeUnit.SECONDS);
                assertThat(emit(sio, "room:join", p("room", room)).path("room").path("id").asText()).isEqualTo(room);
                JsonNode viaSio = emit(sio, "dice:roll", p("room", room, "sides", 3));
                assertThat(viaSio.path("n").asInt()).as(viaSio.toString()).isBetween(1, 3);
                assertThat(bob.event("dice:rolled").at("/from/id").asText()).isEqualTo("cat");
            } finally {
                sio.close();
            }

            // the adapter path: the feature's own format, identity from the handshake token only
            try (WsTestClient dan = WsTestClient.connect("ws://127.0.0.1:" + hub.port() + "/dice?token=" + hub.token("dan"))) {
                dan.send("{\"op\":\"join\",\"room\":\"" + room + "\"}");
                assertThat(Json.MAPPER.readTree(dan.nextTextSkippingPings()).path("op").asText()).isEqualTo("joined");
                dan.send("{\"op\":\"roll\",\"room\":\"" + room + "\",\"user\":\"ann\"}"); // a spoofed field is ignored
                assertThat(nextOp(dan, "rolled").path("n").asInt()).isBetween(1, sides); // the reply (its push may come first)
                assertThat(bob.event("dice:rolled").at("/from/id").asText()).isEqualTo("dan");
                dan.send("{\"op\":\"fly\"}");
                JsonNode err = nextOp(dan, "error");
                assertThat(err.path("code").asText()).isEqualTo("bad_request");
                dan.send("not json");
                assertThat(nextOp(dan, "error").path("message").asText()).isEqualTo("malformed JSON");
                dan.send("{\"op\":\"roll\",\"room\":\"" + room + "\"}");
                assertThat(nextOp(dan, "rolled").path("n").asInt()).as("still usable after bad frames").isBetween(1, sides);
            }

            // the route reads the feature's table; it needs a user
            HttpResponse<String> mine = HTTP.send(HttpRequest.newBuilder(hub.http("/api/dice/rolls"))
                    .header("Authorization", "Bearer " + hub.token("ann")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(mine.statusCode()).isEqualTo(200);
            JsonNode rolls = Json.MAPPER.readTree(mine.body()).path("rolls");
            assertThat(rolls).hasSize(1);
            assertThat(rolls.get(0).path("n").asInt()).isEqualTo(n);
            assertThat(HTTP.send(HttpRequest.newBuilder(hub.http("/api/dice/rolls")).build(), HttpResponse.BodyHandlers.ofString())
                    .statusCode()).isEqualTo(401);

            // the publish hook: a refused message is not published
            assertThat(ann.error("message:send", p("room", room, "data", "well DARN it")).path("code").asText()).isEqualTo("forbidden");
            ann.ok("message:send", p("room", room, "data", "darning socks is fine"));
            assertThat(bob.event("message:new").path("data").asText()).isEqualTo("darning socks is fine");

            String metrics = HTTP.send(HttpRequest.newBuilder(hub.http("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("hubbub_dice_rolls_total 4.0");
        }
    }

    @Test
    void aDisabledFeatureIsInvisible() throws Exception {
        try (TestHubbub hub = TestHubbub.start(Map.of("features.dice.enabled", "false"), new DiceFeature());
             NativeClient ann = hub.connect("ann")) {
            assertThat(hub.server().node().eventTypes()).doesNotContain("dice:roll");
            assertThat(ann.error("dice:roll", p("room", "r")).path("code").asText()).isEqualTo("unknown_event");
            HttpResponse<String> route = HTTP.send(HttpRequest.newBuilder(hub.http("/api/dice/rolls"))
                    .header("Authorization", "Bearer " + hub.token("ann")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(route.statusCode()).isEqualTo(404);
            assertThat(hub.server().httpApi().routes()).noneMatch(r -> r.contains("/api/dice"));
            assertThat(hub.server().features().adapters()).isEmpty();
            assertThat(hub.server().features().installed()).doesNotContain("dice");
            List<String> tables = hub.server().database().withHandle(h -> h.createQuery(
                    "SELECT name FROM sqlite_master WHERE type = 'table'").mapTo(String.class).list());
            assertThat(tables).isNotEmpty().doesNotContain("dice_rolls", "flyway_dice_history");
        }
    }

    @Test
    void theConfigSectionIsTypedDocumentedAndValidated() {
        var loaded = new ConfigLoader().addFeature(new DiceFeature()).env(Map.of("HUBBUB_FEATURES_DICE_DEFAULT_SIDES", "12")).load();
        assertThat(((DiceFeature.Settings) loaded.config().features().all().stream()
                .filter(e -> e.feature().name().equals("dice")).findFirst().orElseThrow().settings()).defaultSides()).isEqualTo(12);
        String yaml = DefaultsWriter.yaml(loaded.config());
        assertThat(yaml).contains("features:\n", "  dice:\n", "    # Sides of the die when a roll does not say (2..100).\n",
                "    # env: HUBBUB_FEATURES_DICE_DEFAULT_SIDES\n", "    defaultSides: 12\n");
        assertThatThrownBy(() -> new ConfigLoader().addFeature(new DiceFeature()).set("features.dice.defaultSides", "1").load())
                .isInstanceOf(ConfigException.class).hasMessageContaining("features.dice.defaultSides: must be 2..100, got 1");
        assertThatThrownBy(() -> new ConfigLoader().addFeature(new DiceFeature()).set("features.dice.sidez", "6").load())
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown key 'features.dice.sidez'");
        assertThatThrownBy(() -> new ConfigLoader().addFeature(new DiceFeature()).set("features.dize.enabled", "false").load())
                .isInstanceOf(ConfigException.class).hasMessageContaining("unknown feature 'features.dize'").hasMessageContaining("did you mean 'features.dice'");
    }

    static JsonNode emit(Socket s, String event, ObjectNode payload) throws Exception {
        CompletableFuture<Object> answer = new CompletableFuture<>();
        s.emit(event, new Object[] {new JSONObject(payload.toString())}, (Ack) args -> answer.complete(args[0]));
        return Json.MAPPER.readTree(answer.get(5, TimeUnit.SECONDS).toString());
    }

    static JsonNode nextOp(WsTestClient c, String op) throws Exception {
        for (int i = 0; i < 10; i++) {
            JsonNode f = Json.MAPPER.readTree(c.nextTextSkippingPings());
            if (f.path("op").asText().equals(op)) return f;
        }
        throw new AssertionError("no '" + op + "' frame");
    }
}
