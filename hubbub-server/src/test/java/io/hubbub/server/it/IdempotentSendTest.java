package io.hubbub.server.it;

import static io.hubbub.server.testing.Frames.p;
import static io.hubbub.server.testing.Frames.room;
import static io.hubbub.server.testing.Frames.type;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.core.protocol.Json;
import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.json.JSONObject;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Item 14 of the security review: a {@code message:send} (or {@code POST /api/publish}) retried with the
 * same {@code clientId} after a lost answer is answered with the original offset and epoch and not
 * published again. Real server, real clients.
 */
class IdempotentSendTest {
    static TestHubbub hub;

    @BeforeAll
    static void start() {
        hub = TestHubbub.start(Map.of("limits.connectsPerIpPerSecond", "1000"));
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Test
    void aRetryWithTheSameClientIdAnswersTheOriginalPositionAndPublishesNothing() {
        String r = room("idem");
        try (NativeClient a = hub.connect("idem-a"); NativeClient b = hub.connect("idem-b"); NativeClient watcher = hub.connect("idem-w")) {
            a.ok("room:create", p("room", r, "name", "Idem"));
            b.ok("room:join", p("room", r));
            watcher.ok("room:join", p("room", r));
            JsonNode first = a.ok("message:send", p("room", r, "data", Map.of("text", "once"), "clientId", "c-1"));
            JsonNode retry = a.ok("message:send", p("room", r, "data", Map.of("text", "once"), "clientId", "c-1"));
            assertThat(retry.path("offset").asLong()).isEqualTo(first.path("offset").asLong()).isEqualTo(1);
            assertThat(retry.path("epoch").asText()).isEqualTo(first.path("epoch").asText());

            JsonNode other = b.ok("message:send", p("room", r, "data", Map.of("text", "mine"), "clientId", "c-1"));
            assertThat(other.path("offset").asLong()).as("another user's same clientId is another message").isEqualTo(2);
            JsonNode plain = a.ok("message:send", p("room", r, "data", "marker"));
            assertThat(plain.path("offset").asLong()).isEqualTo(3);

            List<Long> seen = new java.util.ArrayList<>();
            while (seen.size() < 3) seen.add(watcher.take(f -> type(f).equals("message:new")).path("payload").path("offset").asLong());
            assertThat(seen).as("the retry was not delivered again").containsExactly(1L, 2L, 3L);
            JsonNode h = a.ok("room:history", p("room", r));
            assertThat(h.path("messages")).hasSize(3);
        }
    }

    @Test
    void socketIoClientsRetrySafelyWithTheSameClientId() throws Exception {
        String r = room("idem-sio");
        Socket s = IO.socket(URI.create("http://127.0.0.1:" + hub.port()), IO.Options.builder().setForceNew(true)
                .setReconnection(false).setAuth(Map.of("token", hub.token("idem-sio"))).setTransports(new String[] {"websocket"}).build());
        try (NativeClient host = hub.connect("idem-sio-host")) {
            host.ok("room:create", p("room", r, "name", "Sio"));
            CompletableFuture<Object> welcome = new CompletableFuture<>();
            s.once("session:welcome", args -> welcome.complete(args[0]));
            s.connect();
            welcome.get(5, TimeUnit.SECONDS);
            emit(s, "room:join", "{\"room\":\"" + r + "\"}");
            String send = "{\"room\":\"" + r + "\",\"data\":\"hi\",\"clientId\":\"sio-1\"}";
            JsonNode first = emit(s, "message:send", send);
            JsonNode retry = emit(s, "message:send", send);
            assertThat(first.path("offset").asLong()).isEqualTo(1);
            assertThat(retry.path("offset").asLong()).isEqualTo(1);
            assertThat(retry.path("epoch").asText()).isEqualTo(first.path("epoch").asText());
            assertThat(host.ok("message:send", p("room", r, "data", "next")).path("offset").asLong()).isEqualTo(2);
        } finally {
            s.close();
        }
    }

    private static JsonNode emit(Socket s, String event, String payload) throws Exception {
        CompletableFuture<Object> answer = new CompletableFuture<>();
        s.emit(event, new Object[] {new JSONObject(payload)}, (Ack) args -> answer.complete(args[0]));
        return Json.MAPPER.readTree(answer.get(5, TimeUnit.SECONDS).toString());
    }

    @Test
    void httpPublishWithAClientIdIsIdempotentToo() throws Exception {
        String r = room("idem-http");
        try (NativeClient c = hub.connect("idem-http")) {
            c.ok("room:create", p("room", r, "name", "Http"));
            Map<String, Object> body = Map.of("room", r, "data", Map.of("n", 1), "clientId", "srv-42");
            var first = HttpApiTest.call(hub, "POST", "/api/publish", body, "X-Api-Key", TestHubbub.API_KEY);
            var retry = HttpApiTest.call(hub, "POST", "/api/publish", body, "X-Api-Key", TestHubbub.API_KEY);
            assertThat(first.status()).isEqualTo(200);
            assertThat(retry.status()).isEqualTo(200);
            assertThat(retry.body().path("offset").asLong()).isEqualTo(first.body().path("offset").asLong()).isEqualTo(1);
            assertThat(retry.body().path("epoch").asText()).isEqualTo(first.body().path("epoch").asText());
            JsonNode next = c.ok("message:send", p("room", r, "data", 2, "clientId", "srv-42"));
            assertThat(next.path("offset").asLong()).as("a user's key never matches the server's").isEqualTo(2);
            var bad = HttpApiTest.call(hub, "POST", "/api/publish", Map.of("room", r, "data", 1, "clientId", "no spaces"),
                    "X-Api-Key", TestHubbub.API_KEY);
            assertThat(bad.status()).isEqualTo(400);
        }
    }
}
