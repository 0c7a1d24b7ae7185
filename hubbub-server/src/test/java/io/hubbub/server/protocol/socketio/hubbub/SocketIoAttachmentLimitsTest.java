package io.hubbub.server.protocol.socketio.hubbub;

import io.hubbub.server.config.SocketIoConfig;
import io.hubbub.server.testing.TestHubbub;
import io.hubbub.server.testing.WsTestClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Binary attachments are bounded (security review, item 2): none is buffered before the connection has
 * joined a namespace, one connection holds at most {@code socketio.maxAttachmentBytes} for its
 * incomplete packet, all connections together at most {@code socketio.maxPendingAttachmentBytes}; the
 * unauthenticated window ({@code socketio.connectTimeout}) is 10 s by default.
 */
class SocketIoAttachmentLimitsTest {
    private static final String BINARY_EVENT_2 = "452-[\"ping\",{\"_placeholder\":true,\"num\":0},{\"_placeholder\":true,\"num\":1}]";

    @Test
    void aBinaryEventBeforeConnectClosesTheConnection() throws Exception {
        try (TestHubbub hub = TestHubbub.start(); WsTestClient c = open(hub)) {
            c.send("451-[\"ping\",{\"_placeholder\":true,\"num\":0}]");
            c.awaitClose(5000);
            assertThat(hub.server().socketIo().pendingAttachmentBytes()).isZero();
        }
    }

    @Test
    void oneConnectionHoldsAtMostMaxAttachmentBytes() throws Exception {
        try (TestHubbub hub = TestHubbub.start(Map.of("socketio.maxAttachmentBytes", "1KiB"));
             WsTestClient c = connected(hub, "att-one")) {
            c.send(BINARY_EVENT_2);
            c.send(new byte[700]);
            c.send(new byte[700]); // 1400 bytes pending > 1 KiB
            c.awaitClose(5000);
            assertThat(hub.server().socketIo().pendingAttachmentBytes()).isZero();
        }
    }

    @Test
    void allConnectionsTogetherHoldAtMostMaxPendingAttachmentBytes() throws Exception {
        try (TestHubbub hub = TestHubbub.start(Map.of("socketio.maxAttachmentBytes", "1KiB", "socketio.maxPendingAttachmentBytes", "1KiB"));
             WsTestClient a = connected(hub, "att-a"); WsTestClient b = connected(hub, "att-b")) {
            a.send(BINARY_EVENT_2);
            a.send(new byte[700]); // a holds 700 of the server's 1024
            for (int i = 0; i < 500 && hub.server().socketIo().pendingAttachmentBytes() < 700; i++) Thread.sleep(10);
            assertThat(hub.server().socketIo().pendingAttachmentBytes()).isEqualTo(700);
            b.send(BINARY_EVENT_2);
            b.send(new byte[700]); // b would take the total to 1400
            b.awaitClose(5000);
            // a is unaffected: it completes its packet and still gets answers
            a.send(new byte[10]);
            a.send("421[\"ping\",{}]");
            String answer;
            do answer = a.nextTextSkippingPings(); while (!answer.startsWith("431["));
            assertThat(hub.server().socketIo().pendingAttachmentBytes()).isZero();
        }
    }

    @Test
    void theUnauthenticatedWindowIsTenSecondsByDefault() {
        assertThat(SocketIoConfig.defaults().connectTimeout()).isEqualTo(Duration.ofSeconds(10));
    }

    private static WsTestClient open(TestHubbub hub) throws InterruptedException {
        WsTestClient c = WsTestClient.connect("ws://127.0.0.1:" + hub.port() + "/socket.io/?EIO=4&transport=websocket").autoPong();
        assertThat(c.nextText()).startsWith("0{\"sid\"");
        return c;
    }

    private static WsTestClient connected(TestHubbub hub, String user) throws InterruptedException {
        WsTestClient c = open(hub);
        c.send("40{\"token\":\"" + hub.token(user) + "\"}");
        assertThat(c.nextTextSkippingPings()).startsWith("40{\"sid\"");
        assertThat(c.nextTextSkippingPings()).startsWith("42[\"session:welcome\"");
        return c;
    }
}
