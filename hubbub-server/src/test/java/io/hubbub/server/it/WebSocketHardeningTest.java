package io.hubbub.server.it;

import io.hubbub.server.testing.RawWebSocket;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.Deflater;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * WebSocket-level abuse of the native endpoint (security review, items 6 and 13): a permessage-deflate
 * frame that inflates past the frame limit is refused while inflating (1009), text frames must be
 * valid UTF-8 (1007, overlong encodings included), and ping floods are rate limited (4029). A message in
 * fragments is one message: joined before it is checked and decoded, up to the wire limit (else 1009).
 */
class WebSocketHardeningTest {
    private static final SecureRandom RANDOM = new SecureRandom();

    @Test
    void aDecompressionBombIsRefusedWhileInflatingWith1009() throws Exception {
        try (TestHubbub hub = TestHubbub.start(Map.of("server.compression.enabled", "true", "server.maxFrameBytes", "2KiB"))) {
            try (RawWebSocket ws = RawWebSocket.connect(hub.port(), "/ws?token=" + hub.token("bomber"), 0,
                    "Sec-WebSocket-Extensions: permessage-deflate\r\n")) {
                assertThat(ws.status()).isEqualTo(101);
                assertThat(ws.responseHead()).containsIgnoringCase("permessage-deflate");
                ws.readFrame(); // session:welcome
                // ~12 KB on the wire (under the 16 KiB wire limit) that inflate to 12 MB of JSON
                byte[] bomb = deflate(("{\"type\":\"ping\",\"payload\":{\"x\":\"" + "a".repeat(12_000_000) + "\"}}").getBytes());
                assertThat(bomb.length).isLessThan(16 * 1024);
                ws.sendBytes(frame(0xC1, bomb)); // FIN + RSV1 (compressed) + text
                RawWebSocket.Frame next = ws.readFrame();
                assertThat(next.opcode()).as("the server closes instead of answering the inflated frame").isEqualTo(RawWebSocket.CLOSE);
                assertThat(next.closeCode()).isEqualTo(1009);
            }
            try (RawWebSocket ok = RawWebSocket.open(hub.port(), "/ws?token=" + hub.token("after-bomb"))) {
                assertThat(ok.readFrame().text()).contains("session:welcome");
            }
        }
    }

    @Test
    void invalidUtf8InATextFrameClosesWith1007() throws Exception {
        try (TestHubbub hub = TestHubbub.start()) {
            byte[][] invalid = {
                    {'{', '"', 't', '"', ':', '"', (byte) 0xFF, '"', '}'},    // never valid in UTF-8
                    {'"', (byte) 0xC0, (byte) 0xAF, '"'},                       // overlong '/'
                    {'"', (byte) 0xED, (byte) 0xA0, (byte) 0x80, '"'},          // a UTF-16 surrogate
            };
            for (byte[] payload : invalid) {
                try (RawWebSocket ws = RawWebSocket.open(hub.port(), "/ws?token=" + hub.token("utf8"))) {
                    ws.readFrame(); // session:welcome
                    ws.send(RawWebSocket.TEXT, payload);
                    RawWebSocket.Frame next = ws.readFrame();
                    assertThat(next.opcode()).as(Arrays.toString(payload)).isEqualTo(RawWebSocket.CLOSE);
                    assertThat(next.closeCode()).isEqualTo(1007);
                }
            }
        }
    }

    @Test
    void aMessageInFragmentsIsDecodedAsOneWithPingsBetweenItsFragments() throws Exception {
        try (TestHubbub hub = TestHubbub.start()) {
            try (RawWebSocket ws = RawWebSocket.open(hub.port(), "/ws?token=" + hub.token("fragments"))) {
                ws.readFrame(); // session:welcome
                // "€" (E2 82 AC) split across two fragments: each fragment alone is not valid UTF-8, the message is
                byte[] text = "{\"type\":\"ping\",\"id\":7,\"payload\":{\"x\":\"€\"}}".getBytes(java.nio.charset.StandardCharsets.UTF_8);
                int cut = indexOf(text, (byte) 0xE2) + 1;
                ws.sendBytes(frame(0x01, Arrays.copyOfRange(text, 0, cut)));            // text, not final
                ws.sendBytes(frame(0x89, "between".getBytes()));                        // a ping between fragments
                ws.sendBytes(frame(0x00, Arrays.copyOfRange(text, cut, cut + 1)));      // continuation, not final
                ws.sendBytes(frame(0x80, Arrays.copyOfRange(text, cut + 1, text.length))); // continuation, final
                RawWebSocket.Frame pong = ws.readFrame();
                assertThat(pong.opcode()).as("the ping between fragments is answered at once").isEqualTo(0xA);
                assertThat(new String(pong.payload())).isEqualTo("between");
                RawWebSocket.Frame reply = ws.readFrame();
                assertThat(reply.text()).contains("\"type\":\"reply\"").contains("\"id\":7");
                // a binary message in fragments is refused as one message, and the connection stays usable
                ws.sendBytes(frame(0x02, "{\"type\":".getBytes()));
                ws.sendBytes(frame(0x80, "\"ping\",\"id\":8}".getBytes()));
                assertThat(ws.readFrame().text()).contains("bad_request");
                ws.sendText("{\"type\":\"ping\",\"id\":9}");
                assertThat(ws.readFrame().text()).contains("\"id\":9");
            }
        }
    }

    @Test
    void fragmentsPastTheWireLimitCloseWith1009AndInvalidUtf8AcrossFragmentsWith1007() throws Exception {
        try (TestHubbub hub = TestHubbub.start(Map.of("server.maxFrameBytes", "2KiB"))) { // wire limit: 16 KiB
            try (RawWebSocket ws = RawWebSocket.open(hub.port(), "/ws?token=" + hub.token("long"))) {
                ws.readFrame(); // session:welcome
                byte[] part = "a".repeat(6_000).getBytes();
                ws.sendBytes(frame(0x01, part));
                ws.sendBytes(frame(0x00, part));
                ws.sendBytes(frame(0x00, part)); // 18,000 bytes: past 16 KiB before the final fragment
                assertThat(ws.awaitClose(5000)).isEqualTo(1009);
            }
            try (RawWebSocket ws = RawWebSocket.open(hub.port(), "/ws?token=" + hub.token("split-utf8"))) {
                ws.readFrame(); // session:welcome
                ws.sendBytes(frame(0x01, new byte[] {'"', (byte) 0xE2}));
                ws.sendBytes(frame(0x80, new byte[] {(byte) 0x28, '"'})); // E2 28: a broken three-byte sequence
                assertThat(ws.awaitClose(5000)).isEqualTo(1007);
            }
            try (RawWebSocket ws = RawWebSocket.open(hub.port(), "/ws?token=" + hub.token("big-message"))) {
                ws.readFrame(); // session:welcome
                byte[] part = "a".repeat(1_500).getBytes();
                ws.sendBytes(frame(0x01, part));
                ws.sendBytes(frame(0x80, part)); // 3,000 bytes: under the wire limit, over maxFrameBytes
                assertThat(ws.readFrame().text()).as("answered, not closed").contains("too_large");
                ws.sendText("{\"type\":\"ping\",\"id\":3}");
                assertThat(ws.readFrame().text()).contains("\"id\":3");
            }
        }
    }

    @Test
    void engineIoWebSocketsJoinFragmentsUpToTheirPayloadLimit() throws Exception {
        try (TestHubbub hub = TestHubbub.start(Map.of("socketio.maxPayload", "64KiB"))) {
            try (RawWebSocket ws = RawWebSocket.open(hub.port(), "/socket.io/?EIO=4&transport=websocket")) {
                assertThat(ws.readFrame().text()).startsWith("0{");
                ws.sendBytes(frame(0x01, "4".getBytes()));          // "40" (Socket.IO CONNECT to "/") in two fragments
                ws.sendBytes(frame(0x89, new byte[0]));              // a ping between them
                ws.sendBytes(frame(0x80, "0".getBytes()));
                assertThat(ws.readFrameSkippingPings().opcode()).as("the pong").isEqualTo(0xA);
                // the joined "40" is one CONNECT, answered (without credentials: refused as a connect error)
                assertThat(ws.readFrameSkippingPings().text()).as("the CONNECT's answer").startsWith("44").contains("unauthorized");
            }
            try (RawWebSocket ws = RawWebSocket.open(hub.port(), "/socket.io/?EIO=4&transport=websocket")) {
                assertThat(ws.readFrame().text()).startsWith("0{");
                byte[] part = "a".repeat(40_000).getBytes(); // each fragment under 64 KiB, the two together over it
                try {
                    ws.sendBytes(frame(0x01, part));
                    ws.sendBytes(frame(0x00, part));
                } catch (UncheckedIOException closedMeanwhile) {
                    // the server closed while we were still sending
                }
                assertThat(ws.awaitClose(5000)).isEqualTo(1009);
            }
        }
    }

    private static int indexOf(byte[] a, byte b) {
        for (int i = 0; i < a.length; i++) if (a[i] == b) return i;
        throw new AssertionError("not found");
    }

    @Test
    void pingFloodsAreRateLimitedThenClosedWith4029() throws Exception {
        try (TestHubbub hub = TestHubbub.start(Map.of("limits.framesPerSecond", "5", "limits.frameBurst", "5"))) {
            try (RawWebSocket ws = RawWebSocket.open(hub.port(), "/ws?token=" + hub.token("pinger"))) {
                ws.readFrame(); // session:welcome
                ws.send(0x9, "hi".getBytes());
                RawWebSocket.Frame pong = ws.readFrame();
                assertThat(pong.opcode()).as("a ping within the rate gets its pong").isEqualTo(0xA);
                try {
                    for (int i = 0; i < 2000; i++) ws.send(0x9, new byte[0]);
                } catch (UncheckedIOException closedMeanwhile) {
                    // the server closed while we were still flooding
                }
                assertThat(ws.awaitClose(5000)).isEqualTo(4029);
            }
        }
    }

    @Test
    void engineIoWebSocketsValidateUtf8AndLimitPings() throws Exception {
        try (TestHubbub hub = TestHubbub.start()) {
            try (RawWebSocket ws = RawWebSocket.open(hub.port(), "/socket.io/?EIO=4&transport=websocket")) {
                assertThat(ws.readFrame().text()).startsWith("0{");
                ws.send(RawWebSocket.TEXT, new byte[] {'4', '0', (byte) 0xC0, (byte) 0xAF}); // overlong '/'
                assertThat(ws.awaitClose(5000)).isEqualTo(1007);
            }
            try (RawWebSocket ws = RawWebSocket.open(hub.port(), "/socket.io/?EIO=4&transport=websocket")) {
                assertThat(ws.readFrame().text()).startsWith("0{");
                try {
                    for (int i = 0; i < 2000; i++) ws.send(0x9, new byte[0]);
                } catch (UncheckedIOException closedMeanwhile) {
                    // the server closed while we were still flooding
                }
                assertThat(ws.awaitClose(5000)).isEqualTo(1008);
            }
        }
    }

    private static byte[] deflate(byte[] data) {
        Deflater d = new Deflater(Deflater.BEST_COMPRESSION, true);
        d.setInput(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = d.deflate(buf, 0, buf.length, Deflater.SYNC_FLUSH)) > 0) out.write(buf, 0, n);
        d.end();
        byte[] all = out.toByteArray();
        return Arrays.copyOf(all, all.length - 4); // permessage-deflate drops the 00 00 ff ff tail
    }

    /** A masked client frame with the given first byte (FIN, RSV bits, opcode). */
    private static byte[] frame(int firstByte, byte[] payload) {
        ByteArrayOutputStream f = new ByteArrayOutputStream(payload.length + 14);
        f.write(firstByte);
        int n = payload.length;
        if (n < 126) {
            f.write(0x80 | n);
        } else {
            f.write(0x80 | 126);
            f.write(n >>> 8);
            f.write(n);
        }
        byte[] mask = new byte[4];
        RANDOM.nextBytes(mask);
        f.writeBytes(mask);
        for (int i = 0; i < n; i++) f.write(payload[i] ^ mask[i & 3]);
        return f.toByteArray();
    }
}
