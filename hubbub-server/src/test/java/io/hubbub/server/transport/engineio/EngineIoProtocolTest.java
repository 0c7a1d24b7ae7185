package io.hubbub.server.transport.engineio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hubbub.server.protocol.socketio.conformance.ConformanceApp;
import io.hubbub.server.testing.HttpTestClient;
import io.hubbub.server.testing.NettyHttpTestServer;
import io.hubbub.server.testing.RawWebSocket;
import io.hubbub.server.testing.WsTestClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Engine.IO v4 behaviour over a real Netty server running the conformance echo endpoint
 * ({@code /engine.io/}, pingInterval 300 ms, pingTimeout 200 ms), driven by the JDK HTTP and
 * WebSocket clients the way the official server test suite drives it.
 */
class EngineIoProtocolTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EIO = "/engine.io/?EIO=4&transport=polling";
    private static final String WS = "/engine.io/?EIO=4&transport=websocket";

    private static ConformanceApp app;
    private static NettyHttpTestServer server;
    private static HttpTestClient http;

    @BeforeAll
    static void start() throws Exception {
        app = new ConformanceApp();
        server = new NettyHttpTestServer(app::handlers);
        http = new HttpTestClient(server.httpUrl());
    }

    @AfterAll
    static void stop() {
        app.close();
        server.close();
    }

    private static String openPolling() throws Exception {
        HttpResponse<String> response = http.get(EIO);
        assertThat(response.statusCode()).isEqualTo(200);
        return JSON.readTree(response.body().substring(1)).get("sid").asText();
    }

    private static String sidQuery(String sid) {
        return EIO + "&sid=" + sid;
    }

    private static void assertError(HttpResponse<String> response, int status, int code, String message) throws Exception {
        assertThat(response.statusCode()).isEqualTo(status);
        assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("code").asInt()).isEqualTo(code);
        assertThat(body.get("message").asText()).isEqualTo(message);
    }

    // ---- handshake ------------------------------------------------------------------------------

    @Test
    void pollingHandshakeAnnouncesSessionAndSettings() throws Exception {
        HttpResponse<String> response = http.get(EIO);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).startsWith("0");
        JsonNode open = JSON.readTree(response.body().substring(1));
        assertThat(open.fieldNames()).toIterable()
                .containsExactlyInAnyOrder("sid", "upgrades", "pingInterval", "pingTimeout", "maxPayload");
        assertThat(open.get("sid").isTextual()).isTrue();
        assertThat(open.get("upgrades").toString()).isEqualTo("[\"websocket\"]");
        assertThat(open.get("pingInterval").asInt()).isEqualTo(300);
        assertThat(open.get("pingTimeout").asInt()).isEqualTo(200);
        assertThat(open.get("maxPayload").asInt()).isEqualTo(1_000_000);
    }

    @Test
    void webSocketHandshakeOffersNoUpgrade() throws Exception {
        try (WsTestClient ws = WsTestClient.connect(server.wsUrl() + WS)) {
            String open = ws.nextText();
            assertThat(open).startsWith("0");
            JsonNode value = JSON.readTree(open.substring(1));
            assertThat(value.get("upgrades").toString()).isEqualTo("[]");
            assertThat(value.get("pingInterval").asInt()).isEqualTo(300);
            assertThat(value.get("maxPayload").asInt()).isEqualTo(1_000_000);
        }
    }

    @Test
    void invalidHandshakesGetTheReferenceErrors() throws Exception {
        assertError(http.get("/engine.io/?transport=polling"), 400, 5, "Unsupported protocol version");
        assertError(http.get("/engine.io/?EIO=abc&transport=polling"), 400, 5, "Unsupported protocol version");
        assertError(http.get("/engine.io/?EIO=3&transport=polling"), 400, 5, "Unsupported protocol version");
        assertError(http.get("/engine.io/?EIO=4"), 400, 0, "Transport unknown");
        assertError(http.get("/engine.io/?EIO=4&transport=abc"), 400, 0, "Transport unknown");
        assertError(http.post(EIO, ""), 400, 2, "Bad handshake method");
        assertError(http.send(http.request(EIO).PUT(HttpRequest.BodyPublishers.ofString("x"))), 400, 2, "Bad handshake method");
        assertError(http.get(sidQuery("doesnotexist")), 400, 1, "Session ID unknown");
    }

    @Test
    void invalidWebSocketHandshakesAreRefused() {
        for (String query : new String[] {"/engine.io/?transport=websocket", "/engine.io/?EIO=abc&transport=websocket",
                "/engine.io/?EIO=4", "/engine.io/?EIO=4&transport=abc", WS + "&sid=unknown"}) {
            assertThatThrownBy(() -> WsTestClient.connect(server.wsUrl() + query))
                    .as(query).isInstanceOf(CompletionException.class);
        }
    }

    // ---- messages -------------------------------------------------------------------------------

    @Test
    void pollingEchoesOneSeveralAndBinaryPackets() throws Exception {
        String sid = openPolling();
        HttpResponse<String> push = http.post(sidQuery(sid), "4hello");
        assertThat(push.statusCode()).isEqualTo(200);
        assertThat(push.body()).isEqualTo("ok");
        assertThat(http.get(sidQuery(sid)).body()).isEqualTo("4hello");

        assertThat(http.post(sidQuery(sid), "4test1\u001e4test2\u001e4test3").body()).isEqualTo("ok");
        assertThat(http.get(sidQuery(sid)).body()).isEqualTo("4test1\u001e4test2\u001e4test3");

        assertThat(http.post(sidQuery(sid), "4hello\u001ebAQIDBA==").body()).isEqualTo("ok");
        assertThat(http.get(sidQuery(sid)).body()).isEqualTo("4hello\u001ebAQIDBA==");
    }

    @Test
    void malformedPostIsRefusedAndClosesTheSession() throws Exception {
        String sid = openPolling();
        assertError(http.post(sidQuery(sid), "abc"), 400, 3, "Bad request");
        assertError(http.get(sidQuery(sid)), 400, 1, "Session ID unknown");
    }

    @Test
    void oversizedPostIsRefused() throws Exception {
        String sid = openPolling();
        HttpResponse<String> response = http.post(sidQuery(sid), "4" + "x".repeat(1_000_001));
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(http.get(sidQuery(sid)).statusCode()).isEqualTo(400);
    }

    @Test
    void secondConcurrentPollClosesTheSession() throws Exception {
        String sid = openPolling();
        CompletableFuture<HttpResponse<String>> first = http.getAsync(sidQuery(sid));
        Thread.sleep(50);
        HttpResponse<String> second = http.get(sidQuery(sid) + "&t=burst");
        assertThat(second.statusCode()).isEqualTo(400);
        HttpResponse<String> firstResponse = first.join();
        assertThat(firstResponse.statusCode()).isEqualTo(200);
        assertThat(firstResponse.body()).isEqualTo("1");
        assertThat(http.get(sidQuery(sid)).statusCode()).isEqualTo(400);
    }

    @Test
    void abandonedPollClosesTheSession() throws Exception {
        String sid = openPolling();
        try (Socket raw = new Socket("127.0.0.1", server.port())) {
            OutputStream out = raw.getOutputStream();
            out.write(("GET " + sidQuery(sid) + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(50);
        }
        Thread.sleep(50);
        assertError(http.get(sidQuery(sid)), 400, 1, "Session ID unknown");
    }

    @Test
    void webSocketEchoesTextAndBinary() throws Exception {
        try (WsTestClient ws = WsTestClient.connect(server.wsUrl() + WS)) {
            ws.nextText();
            ws.send("4hello");
            assertThat(ws.nextText()).isEqualTo("4hello");
            ws.send(new byte[] {1, 2, 3, 4});
            assertThat(ws.next()).isEqualTo(new byte[] {1, 2, 3, 4});
        }
    }

    @Test
    void webSocketMalformedPacketClosesTheConnection() throws Exception {
        try (WsTestClient ws = WsTestClient.connect(server.wsUrl() + WS)) {
            ws.nextText();
            ws.send("abc");
            ws.awaitClose(1_000);
        }
    }

    // ---- heartbeat ------------------------------------------------------------------------------

    @Test
    void pollingPingPong() throws Exception {
        String sid = openPolling();
        for (int i = 0; i < 3; i++) {
            long start = System.nanoTime();
            HttpResponse<String> poll = http.get(sidQuery(sid));
            assertThat(poll.body()).isEqualTo("2");
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1_000);
            assertThat(http.post(sidQuery(sid), "3").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void pollingSessionClosesOnPingTimeout() throws Exception {
        String sid = openPolling();
        Thread.sleep(300 + 200 + 50);
        assertError(http.get(sidQuery(sid)), 400, 1, "Session ID unknown");
    }

    @Test
    void requestAfterTheHeartbeatDeadlineFindsTheSessionClosedEvenBeforeTheTimerRan() throws Exception {
        // The heartbeat is a deadline (pingInterval + pingTimeout after the handshake or the last PONG),
        // not "whatever the timer task did so far": stall the session's loop past the deadline so the
        // ping and timeout timers are late, and let a poll queue up behind the stall. When the loop
        // resumes the poll must be refused, not answered with the (late) PING.
        String sid = openPolling();
        EngineIoSocket socket = app.handlers().get(0).server().session(sid);
        CountDownLatch stalled = new CountDownLatch(1);
        socket.loop().execute(() -> {
            stalled.countDown();
            try {
                Thread.sleep(300 + 200 + 150);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        stalled.await();
        Thread.sleep(300 + 200 + 50);
        assertError(http.get(sidQuery(sid)), 400, 1, "Session ID unknown");
    }

    @Test
    void webSocketPingPongKeepsTheSessionAlive() throws Exception {
        try (WsTestClient ws = WsTestClient.connect(server.wsUrl() + WS)) {
            ws.nextText();
            for (int i = 0; i < 3; i++) {
                assertThat(ws.nextText()).isEqualTo("2");
                ws.send("3");
            }
            ws.send("4still-here");
            assertThat(ws.nextTextSkippingPings()).isEqualTo("4still-here");
        }
    }

    @Test
    void webSocketClosesOnPingTimeout() throws Exception {
        try (WsTestClient ws = WsTestClient.connect(server.wsUrl() + WS)) {
            ws.nextText();
            long start = System.nanoTime();
            assertThat(ws.nextText()).isEqualTo("2");
            ws.awaitClose(1_000);
            assertThat((System.nanoTime() - start) / 1_000_000).isBetween(150L, 900L);
        }
    }

    @Test
    void clientPingIsTheWrongHeartbeatDirection() throws Exception {
        try (WsTestClient ws = WsTestClient.connect(server.wsUrl() + WS)) {
            ws.nextText();
            ws.send("2");
            ws.awaitClose(1_000);
        }
    }

    // ---- close ----------------------------------------------------------------------------------

    @Test
    void pollingClientCloseEndsThePendingPollWithNoop() throws Exception {
        String sid = openPolling();
        CompletableFuture<HttpResponse<String>> poll = http.getAsync(sidQuery(sid));
        Thread.sleep(50);
        assertThat(http.post(sidQuery(sid), "1").statusCode()).isEqualTo(200);
        assertThat(poll.join().body()).isEqualTo("6");
        assertThat(http.get(sidQuery(sid)).statusCode()).isEqualTo(400);
    }

    @Test
    void webSocketClientClose() throws Exception {
        try (WsTestClient ws = WsTestClient.connect(server.wsUrl() + WS)) {
            ws.nextText();
            ws.send("1");
            ws.awaitClose(1_000);
        }
    }

    @Test
    void closeFrameWithoutStatusIsAnsweredWithoutStatus() throws Exception {
        // RFC 6455 5.5.1: the reply echoes the status code, and a close without one gets an empty close
        // (never Netty's "no code" marker -1, which would reach the wire as the invalid code 65535)
        try (RawWebSocket raw = RawWebSocket.open(server.port(), WS)) {
            assertThat(raw.readFrame().text()).startsWith("0{");
            raw.sendClose(new byte[0]);
            RawWebSocket.Frame reply = raw.readFrameSkippingPings();
            assertThat(reply.opcode()).isEqualTo(RawWebSocket.CLOSE);
            assertThat(reply.payload()).isEmpty();
        }
        try (RawWebSocket raw = RawWebSocket.open(server.port(), WS)) {
            raw.readFrame();
            raw.sendClose(new byte[] {0x0f, (byte) 0xa0}); // 4000
            RawWebSocket.Frame reply = raw.readFrameSkippingPings();
            assertThat(reply.opcode()).isEqualTo(RawWebSocket.CLOSE);
            assertThat(reply.payload()).containsExactly(0x0f, (byte) 0xa0);
        }
    }

    @Test
    void secondWebSocketDuringAnUpgradeIsClosedNotRefused() throws Exception {
        String sid = openPolling();
        try (WsTestClient probe = WsTestClient.connect(server.wsUrl() + WS + "&sid=" + sid);
             WsTestClient second = WsTestClient.connect(server.wsUrl() + WS + "&sid=" + sid)) {
            second.awaitClose(1_000);
            probe.send("2probe");
            assertThat(probe.nextText()).isEqualTo("3probe");
            probe.send("5");
            probe.send("4ok");
            assertThat(probe.nextTextSkippingPings()).isEqualTo("4ok");
        }
    }

    // ---- upgrade --------------------------------------------------------------------------------

    @Test
    void upgradesFromPollingToWebSocket() throws Exception {
        String sid = openPolling();
        // a message queued before the upgrade must arrive over the WebSocket afterwards
        try (WsTestClient ws = WsTestClient.connect(server.wsUrl() + WS + "&sid=" + sid)) {
            ws.send("2probe");
            assertThat(ws.nextText()).isEqualTo("3probe");
            assertThat(http.get(sidQuery(sid)).body()).isEqualTo("6");
            assertThat(http.post(sidQuery(sid), "4queued").body()).isEqualTo("ok");
            ws.send("5");
            assertThat(ws.nextTextSkippingPings()).isEqualTo("4queued");
            ws.send("4hello");
            assertThat(ws.nextTextSkippingPings()).isEqualTo("4hello");
            // after the upgrade, polling requests are refused and a second WebSocket for the sid is
            // accepted, then closed by the server (like the reference server: a clean WebSocket close,
            // not an HTTP error), while the upgraded WebSocket keeps working
            assertError(http.get(sidQuery(sid)), 400, 3, "Bad request");
            try (WsTestClient second = WsTestClient.connect(server.wsUrl() + WS + "&sid=" + sid)) {
                second.awaitClose(1_000);
                assertThat(second.closeCode()).isEqualTo(1000);
            }
            ws.send("4again");
            assertThat(ws.nextTextSkippingPings()).isEqualTo("4again");
        }
    }

    @Test
    void pendingPollIsReleasedWithNoopWhenProbed() throws Exception {
        String sid = openPolling();
        try (WsTestClient ws = WsTestClient.connect(server.wsUrl() + WS + "&sid=" + sid)) {
            CompletableFuture<HttpResponse<String>> poll = http.getAsync(sidQuery(sid));
            Thread.sleep(50);
            ws.send("2probe");
            assertThat(ws.nextText()).isEqualTo("3probe");
            String body = poll.join().body();
            if (body.equals("2")) { // a heartbeat was already queued when the poll arrived
                http.post(sidQuery(sid), "3");
                body = http.get(sidQuery(sid)).body();
            }
            assertThat(body).isEqualTo("6");
            ws.send("5");
            ws.send("4x");
            assertThat(ws.nextTextSkippingPings()).isEqualTo("4x");
        }
    }

    // ---- CORS -----------------------------------------------------------------------------------

    @Test
    void corsHeadersAndPreflight() throws Exception {
        HttpResponse<String> response = http.send(http.request(EIO).header("Origin", "https://example.test").GET());
        assertThat(response.headers().firstValue("access-control-allow-origin")).hasValue("https://example.test");
        assertThat(response.headers().firstValue("access-control-allow-credentials")).hasValue("true");
        HttpResponse<String> preflight = http.send(http.request(EIO).header("Origin", "https://example.test")
                .header("Access-Control-Request-Headers", "content-type")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()));
        assertThat(preflight.statusCode()).isEqualTo(204);
        assertThat(preflight.headers().firstValue("access-control-allow-methods")).hasValueSatisfying(v -> assertThat(v).contains("POST"));
        assertThat(preflight.headers().firstValue("access-control-allow-headers")).hasValue("content-type");
    }

    @Test
    void unrelatedPathsFallThrough() throws Exception {
        assertThat(http.get("/other/?EIO=4&transport=polling").statusCode()).isEqualTo(404);
    }

}
