package io.hubbub.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.hubbub.core.protocol.Json;
import io.hubbub.server.testing.NativeClient;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import static io.hubbub.server.testing.Frames.p;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The push webhook against a stand-in for the application's push service (an HTTP server in the
 * test, receiving the documented request): every stored notification is POSTed with a valid HMAC
 * signature, and a failed delivery (HTTP 500) is retried until it is accepted, also by the next
 * server process when the first one stopped before (the durable outbox).
 */
class PushWebhookTest {
    static final String SECRET = "a-webhook-secret-of-at-least-32-characters";

    record Received(String body, String timestamp, String signature) {}

    @Test
    void notificationsArePostedSignedAndRetried() throws Exception {
        LinkedBlockingQueue<Received> received = new LinkedBlockingQueue<>();
        AtomicInteger calls = new AtomicInteger();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/push", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new Received(body, ex.getRequestHeaders().getFirst("X-Hubbub-Timestamp"), ex.getRequestHeaders().getFirst("X-Hubbub-Signature")));
            ex.sendResponseHeaders(calls.incrementAndGet() == 1 ? 500 : 204, -1); // the first delivery fails
            ex.close();
        });
        receiver.start();
        try (ChatServer hub = ChatServer.start(Map.of("features.chat.webhookUrl", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/push",
                "features.chat.webhookSecret", SECRET, "features.chat.webhookBackoff", "100ms", "features.chat.webhookPoll", "100ms"));
             NativeClient ann = hub.connect("ann")) {
            ann.ok("friend:request", p("userId", "bob"));
            Received first = received.poll(10, TimeUnit.SECONDS);
            Received retry = received.poll(10, TimeUnit.SECONDS);
            assertThat(first).isNotNull();
            assertThat(retry).as("retried after the 500").isNotNull();
            assertThat(retry.body()).isEqualTo(first.body());
            for (Received r : new Received[] {first, retry})
                assertThat(r.signature()).isEqualTo("sha256=" + PushWebhook.sign(SECRET.getBytes(StandardCharsets.UTF_8), r.timestamp() + "." + r.body()));
            JsonNode body = Json.MAPPER.readTree(first.body());
            assertThat(body.path("userId").asText()).isEqualTo("bob");
            assertThat(body.path("type").asText()).isEqualTo("friend:request:new");
            assertThat(body.at("/data/userId").asText()).isEqualTo("ann");
            assertThat(body.path("id").asText()).isNotBlank();
            assertThat(received.poll(300, TimeUnit.MILLISECONDS)).as("accepted: no more attempts").isNull();
        } finally {
            receiver.stop(0);
        }
    }

    @Test
    void aPendingDeliverySurvivesARestart() throws Exception {
        LinkedBlockingQueue<Received> failedOnes = new LinkedBlockingQueue<>();
        LinkedBlockingQueue<Received> accepted = new LinkedBlockingQueue<>();
        AtomicBoolean down = new AtomicBoolean(true);
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/push", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            Received r = new Received(body, ex.getRequestHeaders().getFirst("X-Hubbub-Timestamp"), ex.getRequestHeaders().getFirst("X-Hubbub-Signature"));
            boolean fail = down.get();
            (fail ? failedOnes : accepted).add(r);
            ex.sendResponseHeaders(fail ? 503 : 204, -1);
            ex.close();
        });
        receiver.start();
        Path data = Files.createTempDirectory("hubbub-chat-webhook");
        Map<String, String> config = Map.of("storage.dataDir", data.toString(),
                "features.chat.webhookUrl", "http://127.0.0.1:" + receiver.getAddress().getPort() + "/push",
                "features.chat.webhookSecret", SECRET, "features.chat.webhookBackoff", "200ms", "features.chat.webhookPoll", "100ms",
                "features.chat.webhookRetries", "20");
        try {
            String id;
            try (ChatServer first = ChatServer.start(config); NativeClient ann = first.connect("ann")) {
                ann.ok("friend:request", p("userId", "bob"));
                Received failedOnce = failedOnes.poll(10, TimeUnit.SECONDS);
                assertThat(failedOnce).as("the first attempt reached the (failing) push service").isNotNull();
                id = Json.MAPPER.readTree(failedOnce.body()).path("id").asText();
            } // the server stops with the delivery still pending
            down.set(false);
            try (ChatServer second = ChatServer.start(config)) {
                Received after = accepted.poll(10, TimeUnit.SECONDS);
                assertThat(after).as("delivered by the restarted server").isNotNull();
                assertThat(Json.MAPPER.readTree(after.body()).path("id").asText()).isEqualTo(id);
                assertThat(after.signature()).isEqualTo("sha256=" + PushWebhook.sign(SECRET.getBytes(StandardCharsets.UTF_8), after.timestamp() + "." + after.body()));
                long left = -1;
                for (int i = 0; i < 500 && left != 0; i++) {
                    left = second.server.database().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM chat_webhook_outbox").mapTo(Long.class).one());
                    if (left != 0) Thread.sleep(10);
                }
                assertThat(left).as("the delivered row left the outbox").isZero();
            }
        } finally {
            receiver.stop(0);
        }
    }
}
