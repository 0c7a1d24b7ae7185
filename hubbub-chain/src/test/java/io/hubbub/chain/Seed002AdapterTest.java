package io.hubbub.chain;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.fakesolana.FakeSolana;
import io.hubbub.fakesolana.FakeTx;
import io.hubbub.core.protocol.Json;
import io.hubbub.server.testing.TestHubbub;
import io.hubbub.server.testing.WsTestClient;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.CompletionException;

import static io.hubbub.chain.ChainTesting.HTTP;
import static io.hubbub.chain.ChainTesting.awaitConnected;
import static io.hubbub.chain.ChainTesting.listening;
import static io.hubbub.server.testing.Frames.p;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A seed 002 client, unchanged but for the URL, on a plain JDK WebSocket; and the seed's two REST routes. */
class Seed002AdapterTest {

    private static final java.util.Map<WsTestClient, java.util.List<JsonNode>> HELD = new java.util.concurrent.ConcurrentHashMap<>();

    /** The next frame of {@code type}; frames of other types are kept for later calls. */
    static JsonNode next(WsTestClient c, String type) throws Exception {
        java.util.List<JsonNode> held = HELD.computeIfAbsent(c, k -> new java.util.ArrayList<>());
        for (java.util.Iterator<JsonNode> it = held.iterator(); it.hasNext(); ) {
            JsonNode f = it.next();
            if (f.path("type").asText().equals(type)) {
                it.remove();
                return f;
            }
        }
        for (int i = 0; i < 50; i++) {
            JsonNode f = Json.MAPPER.readTree(c.nextTextSkippingPings());
            if (f.path("type").asText().equals(type)) return f;
            held.add(f);
        }
        throw new AssertionError("no '" + type + "' frame; held " + held);
    }

    @Test
    void seedClientsSubscribeAndGetTheSeedsMessages() throws Exception {
        String program = FakeTx.address(), alice = FakeTx.address();
        try (FakeSolana node = new FakeSolana(); TestHubbub hub = TestHubbub.start(listening(node, program))) {
            awaitConnected(hub);
            String base = "ws://127.0.0.1:" + hub.port() + "/ws/seed002";
            // the seed's user_id is never trusted: without a token there is no identity, so nothing is subscribed
            try (WsTestClient anon = WsTestClient.connect(base + "?user_id=123&subscriptions=market-data")) {
                JsonNode err = next(anon, "error");
                assertThat(err.at("/data/code").asText()).isEqualTo("unauthorized");
            } catch (CompletionException refused) {
                // refusing the handshake is fine too
            }
            try (WsTestClient ws = WsTestClient.connect(base + "?user_id=someone-else&subscriptions=market-data.tok1,token_updates&token="
                    + hub.token("ann"))) {
                assertThat(next(ws, "subscribed").at("/data/topic").asText()).isEqualTo("broadcast");
                assertThat(next(ws, "subscribed").at("/data/topic").asText()).isEqualTo("market-data.tok1");
                assertThat(next(ws, "subscribed").at("/data/topic").asText()).isEqualTo("token_updates");
                ws.send("{\"type\":\"subscribe\",\"data\":{\"topic\":\"transactions\"}}");
                assertThat(next(ws, "subscribed").at("/data/topic").asText()).isEqualTo("transactions");

                ws.send("{\"type\":\"unsubscribe\",\"data\":{\"topic\":\"transactions\"}}");
                assertThat(next(ws, "unsubscribed").at("/data/topic").asText()).isEqualTo("transactions");
                ws.send("{\"type\":\"dance\"}");
                assertThat(next(ws, "error").at("/data/code").asText()).isEqualTo("bad_request");
                ws.send("{\"type\":\"subscribe\",\"data\":{}}");
                assertThat(next(ws, "error").at("/data/code").asText()).isEqualTo("bad_request");

                // the REST routes: connection statistics (admin) and broadcast (API key) to all, a topic or a user
                HttpResponse<String> stats = HTTP.send(HttpRequest.newBuilder(hub.http("/api/ws/connections"))
                        .header("Authorization", "Bearer " + hub.adminToken("root")).build(), HttpResponse.BodyHandlers.ofString());
                JsonNode s = Json.MAPPER.readTree(stats.body());
                assertThat(s.path("total_connections").asInt()).isGreaterThanOrEqualTo(1);
                assertThat(s.path("active_users").asInt()).isGreaterThanOrEqualTo(1);
                assertThat(s.path("subscriptions").asInt()).isGreaterThanOrEqualTo(3);
                assertThat(s.path("server_id").asText()).isNotBlank();
                assertThat(HTTP.send(HttpRequest.newBuilder(hub.http("/api/ws/connections"))
                        .header("Authorization", "Bearer " + hub.token("ann")).build(), HttpResponse.BodyHandlers.ofString()).statusCode())
                        .isEqualTo(403);

                assertThat(broadcast(hub, p("type", "MarketData", "data", p("token_id", "tok1", "price", "2")), TestHubbub.API_KEY)).isEqualTo(200);
                assertThat(next(ws, "MarketData").at("/data/price").asText()).isEqualTo("2");
                assertThat(broadcast(hub, p("type", "Notification", "user_id", "ann", "data", p("title", "hi")), TestHubbub.API_KEY)).isEqualTo(200);
                assertThat(next(ws, "Notification").at("/data/title").asText()).isEqualTo("hi");
                assertThat(broadcast(hub, p("type", "MarketData", "topic", "market-data.tok1", "data", p("price", "3")), TestHubbub.API_KEY)).isEqualTo(200);
                assertThat(next(ws, "MarketData").at("/data/price").asText()).isEqualTo("3");
                ws.send("{\"type\":\"subscribe\",\"data\":{\"topic\":\"transactions\"}}");
                assertThat(next(ws, "subscribed").at("/data/topic").asText()).isEqualTo("transactions");
                node.land(FakeTx.tx().sol(alice, FakeTx.address(), 5).program(program,
                        "TokenCreated {\"token_id\":\"tok1\",\"name\":\"Coin\",\"symbol\":\"CC\",\"creator\":\"" + alice + "\"}"), true);
                JsonNode created = next(ws, "TokenCreated");
                assertThat(created.at("/data/symbol").asText()).isEqualTo("CC");
                JsonNode tx = next(ws, "TransactionUpdate");
                assertThat(tx.at("/data/status").asText()).isEqualTo("finalized");

                assertThat(broadcast(hub, p("type", "MarketData", "data", p()), hub.token("ann"))).as("API key only").isIn(401, 403);
            }
        }
    }

    static int broadcast(TestHubbub hub, JsonNode body, String credential) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(hub.http("/api/ws/broadcast")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (credential.equals(TestHubbub.API_KEY)) b.header("X-Api-Key", credential);
        else b.header("Authorization", "Bearer " + credential);
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString()).statusCode();
    }
}
