package io.hubbub.server.protocol.socketio;

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

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Socket.IO v5 behaviour of the conformance profile ({@code /socket.io/}) over a real Netty server,
 * driven with raw Engine.IO frames from the JDK WebSocket and HTTP clients.
 */
class SocketIoProtocolTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WS = "/socket.io/?EIO=4&transport=websocket";
    private static final String POLLING = "/socket.io/?EIO=4&transport=polling";

    private static ConformanceApp app;
    private static NettyHttpTestServer server;

    @BeforeAll
    static void start() throws Exception {
        app = new ConformanceApp();
        Namespace room = app.socketIo().namespace("/room");
        room.onConnect(socket -> {
            socket.on("shout", (args, ack) -> room.broadcast(EncodedPacket.event("/room", "heard", args.toArray())));
            return ConnectDecision.accept();
        });
        server = new NettyHttpTestServer(app::handlers);
    }

    @AfterAll
    static void stop() {
        app.close();
        server.close();
    }

    private static WsTestClient open() throws Exception {
        WsTestClient ws = WsTestClient.connect(server.wsUrl() + WS);
        assertThat(ws.nextText()).startsWith("0");
        return ws;
    }

    /** Opens a connection joined to the main namespace, with the "auth" event consumed. */
    private static WsTestClient joined() throws Exception {
        WsTestClient ws = open();
        ws.send("40");
        assertThat(ws.nextTextSkippingPings()).startsWith("40{");
        assertThat(ws.nextTextSkippingPings()).isEqualTo("42[\"auth\",{}]");
        return ws;
    }

    private static void assertHandshake(String packet, String prefix) throws Exception {
        assertThat(packet).startsWith(prefix);
        JsonNode handshake = JSON.readTree(packet.substring(prefix.length()));
        assertThat(handshake.fieldNames()).toIterable().containsExactly("sid");
        assertThat(handshake.get("sid").isTextual()).isTrue();
    }

    // ---- connect --------------------------------------------------------------------------------

    @Test
    void connectsToTheMainNamespaceWithAndWithoutAuth() throws Exception {
        try (WsTestClient ws = open()) {
            ws.send("40");
            assertHandshake(ws.nextTextSkippingPings(), "40");
            assertThat(ws.nextTextSkippingPings()).isEqualTo("42[\"auth\",{}]");
        }
        try (WsTestClient ws = open()) {
            ws.send("40{\"token\":\"123\"}");
            assertHandshake(ws.nextTextSkippingPings(), "40");
            assertThat(ws.nextTextSkippingPings()).isEqualTo("42[\"auth\",{\"token\":\"123\"}]");
        }
    }

    @Test
    void authEventArrivesInItsOwnTcpReadAfterTheConnectReply() throws Exception {
        // The official suite reads the CONNECT reply and the "auth" event with one-shot listeners and
        // loses a second frame delivered in the same TCP read; the profile pauses between the two.
        for (String namespace : new String[] {"", "/custom,"}) {
            try (RawWebSocket raw = RawWebSocket.open(server.port(), WS)) {
                assertThat(raw.readFrame().text()).startsWith("0{");
                raw.sendText("40" + namespace);
                assertHandshake(raw.readFrame().text(), "40" + namespace);
                assertThat(raw.available()).as("bytes already behind the CONNECT reply").isZero();
                long start = System.nanoTime();
                assertThat(raw.readFrame().text()).isEqualTo("42" + namespace + "[\"auth\",{}]");
                assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(250); // well before the first ping
            }
        }
    }

    @Test
    void connectsToACustomNamespace() throws Exception {
        try (WsTestClient ws = open()) {
            ws.send("40/custom,");
            assertHandshake(ws.nextTextSkippingPings(), "40/custom,");
            assertThat(ws.nextTextSkippingPings()).isEqualTo("42/custom,[\"auth\",{}]");
        }
        try (WsTestClient ws = open()) {
            ws.send("40/custom,{\"token\":\"abc\"}");
            assertHandshake(ws.nextTextSkippingPings(), "40/custom,");
            assertThat(ws.nextTextSkippingPings()).isEqualTo("42/custom,[\"auth\",{\"token\":\"abc\"}]");
        }
    }

    @Test
    void refusesAnUnknownNamespace() throws Exception {
        try (WsTestClient ws = open()) {
            ws.send("40/random");
            assertThat(ws.nextTextSkippingPings()).isEqualTo("44/random,{\"message\":\"Invalid namespace\"}");
        }
    }

    @Test
    void invalidHandshakePacketClosesTheConnection() throws Exception {
        try (WsTestClient ws = open()) {
            ws.send("4abc");
            ws.awaitClose(1_000);
        }
    }

    @Test
    void connectionWithoutConnectPacketIsClosedAfterTheConnectTimeout() throws Exception {
        long start = System.nanoTime(); // before the handshake: the server's timer starts when it answers it
        try (WsTestClient ws = open()) {
            // answer heartbeats so that only the connect timeout (1000 ms) can end the connection
            while (true) {
                Object item = ws.next(3_000);
                if (item == WsTestClient.CLOSED) {
                    break;
                }
                assertThat(item).isEqualTo("2");
                ws.send("3");
            }
            assertThat((System.nanoTime() - start) / 1_000_000).isBetween(1_000L, 3_000L);
        }
    }

    // ---- disconnect -----------------------------------------------------------------------------

    @Test
    void disconnectFromMainNamespaceKeepsTheConnection() throws Exception {
        try (WsTestClient ws = joined()) {
            ws.send("41");
            assertThat(ws.nextText()).isEqualTo("2");
        }
    }

    @Test
    void connectThenDisconnectFromCustomNamespace() throws Exception {
        try (WsTestClient ws = joined()) {
            ws.send("40/custom");
            assertHandshake(ws.nextTextSkippingPings(), "40/custom,");
            assertThat(ws.nextTextSkippingPings()).isEqualTo("42/custom,[\"auth\",{}]");
            ws.send("41/custom");
            ws.send("42[\"message\",\"message to main namespace\"]");
            assertThat(ws.nextTextSkippingPings()).isEqualTo("42[\"message-back\",\"message to main namespace\"]");
        }
    }

    // ---- messages -------------------------------------------------------------------------------

    @Test
    void plainEventAndAck() throws Exception {
        try (WsTestClient ws = joined()) {
            ws.send("42[\"message\",1,\"2\",{\"3\":[true]}]");
            assertThat(ws.nextTextSkippingPings()).isEqualTo("42[\"message-back\",1,\"2\",{\"3\":[true]}]");
            ws.send("42456[\"message-with-ack\",1,\"2\",{\"3\":[false]}]");
            assertThat(ws.nextTextSkippingPings()).isEqualTo("43456[1,\"2\",{\"3\":[false]}]");
        }
    }

    @Test
    void binaryEventAndBinaryAck() throws Exception {
        try (WsTestClient ws = joined()) {
            ws.send("452-[\"message\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
            ws.send(new byte[] {1, 2, 3});
            ws.send(new byte[] {4, 5, 6});
            assertThat(ws.nextTextSkippingPings())
                    .isEqualTo("452-[\"message-back\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
            assertThat(ws.next()).isEqualTo(new byte[] {1, 2, 3});
            assertThat(ws.next()).isEqualTo(new byte[] {4, 5, 6});

            ws.send("452-789[\"message-with-ack\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
            ws.send(new byte[] {1, 2, 3});
            ws.send(new byte[] {4, 5, 6});
            assertThat(ws.nextTextSkippingPings())
                    .isEqualTo("462-789[{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]");
            assertThat(ws.next()).isEqualTo(new byte[] {1, 2, 3});
            assertThat(ws.next()).isEqualTo(new byte[] {4, 5, 6});
        }
    }

    @Test
    void malformedPacketsCloseTheConnection() throws Exception {
        for (String bad : List.of("4abc", "42{}", "42abc[\"message-with-ack\",1,\"2\",{\"3\":[false]}]",
                "42[\"message\"]trailing", "45-[\"message\"]", "41{}")) {
            try (WsTestClient ws = joined()) {
                ws.send(bad);
                ws.awaitClose(1_000);
            }
        }
    }

    @Test
    void unexpectedBinaryFrameClosesTheConnection() throws Exception {
        try (WsTestClient ws = joined()) {
            ws.send(new byte[] {9});
            ws.awaitClose(1_000);
        }
    }

    @Test
    void broadcastWritesOneEncodingToEverySocketOfTheNamespace() throws Exception {
        try (WsTestClient a = open().autoPong(); WsTestClient b = open().autoPong()) {
            for (WsTestClient ws : List.of(a, b)) {
                ws.send("40/room,");
                assertHandshake(ws.nextTextSkippingPings(), "40/room,");
            }
            a.send("451-/room,[\"shout\",\"hi\",{\"_placeholder\":true,\"num\":0}]");
            a.send(new byte[] {42});
            for (WsTestClient ws : List.of(a, b)) {
                assertThat(ws.nextTextSkippingPings()).isEqualTo("451-/room,[\"heard\",\"hi\",{\"_placeholder\":true,\"num\":0}]");
                assertThat(ws.next()).isEqualTo(new byte[] {42});
            }
        }
    }

    // ---- over long-polling ----------------------------------------------------------------------

    @Test
    void socketIoOverPollingWithBinaryAttachments() throws Exception {
        HttpTestClient http = new HttpTestClient(server.httpUrl());
        HttpResponse<String> open = http.get(POLLING);
        String sid = JSON.readTree(open.body().substring(1)).get("sid").asText();
        String url = POLLING + "&sid=" + sid;
        assertThat(http.post(url, "40").body()).isEqualTo("ok");
        List<String> received = pollPackets(http, url, 2);
        assertHandshake(received.get(0), "40");
        assertThat(received.get(1)).isEqualTo("42[\"auth\",{}]");

        assertThat(http.post(url, "451-[\"message\",{\"_placeholder\":true,\"num\":0}]\u001ebAQID").body()).isEqualTo("ok");
        assertThat(pollPackets(http, url, 2)).containsExactly(
                "451-[\"message-back\",{\"_placeholder\":true,\"num\":0}]", "bAQID");
    }

    /** Polls until {@code count} non-heartbeat packets arrived, answering pings. */
    private static List<String> pollPackets(HttpTestClient http, String url, int count) throws Exception {
        List<String> packets = new ArrayList<>();
        while (packets.size() < count) {
            for (String packet : http.get(url).body().split("\u001e")) {
                if (packet.equals("2")) {
                    http.post(url, "3");
                } else {
                    packets.add(packet);
                }
            }
        }
        return packets;
    }
}
