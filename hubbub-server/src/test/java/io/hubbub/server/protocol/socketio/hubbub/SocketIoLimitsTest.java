package io.hubbub.server.protocol.socketio.hubbub;

import io.hubbub.core.protocol.Json;
import io.hubbub.server.testing.HttpTestClient;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bounds of the Socket.IO path, at the wire level (raw Engine.IO long-polling against a real server
 * with a small outbound queue): a client that stops polling while its room is busy is closed as a
 * slow consumer instead of buffering without bound, and its session ends.
 */
class SocketIoLimitsTest {
    private static TestHubbub hub;

    @BeforeAll
    static void start() {
        hub = TestHubbub.start(Map.of("limits.outboundQueueFrames", "16"));
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @Test
    void aClientThatStopsPollingIsClosedNotBufferedForever() throws Exception {
        String room = "slow-" + UUID.randomUUID().toString().substring(0, 8);
        HttpTestClient http = new HttpTestClient("http://127.0.0.1:" + hub.port());
        String sid = sid(http.get("/socket.io/?EIO=4&transport=polling").body());
        String path = "/socket.io/?EIO=4&transport=polling&sid=" + sid;
        assertThat(http.post(path, "40{\"token\":\"" + hub.token("slowpoke") + "\"}").body()).isEqualTo("ok");
        String connected = http.get(path).body();
        if (!connected.contains("session:welcome")) connected += http.get(path).body(); // the poll may end before the welcome
        assertThat(connected).startsWith("40{\"sid\":").contains("\"pid\":").contains("42[\"session:welcome\"");

        try (NativeClient alice = hub.connect("alice")) {
            alice.ok("room:create", Json.object().put("room", room).put("name", "Busy"));
            assertThat(http.post(path, "420[\"room:join\",{\"room\":\"" + room + "\"}]").body()).isEqualTo("ok");
            assertThat(http.get(path).body()).contains("430[{\"room\":{");
            assertThat(hub.server().node().sessionsOf("slowpoke")).hasSize(1);

            // the client stops polling; its room gets far more than its queue holds
            // (alice sends without ids and excludes herself: with a 16-frame queue she would otherwise be
            // closed as a slow consumer of her own 200 replies and echoes)
            for (int i = 0; i < 100; i++) {
                alice.sendRaw("{\"type\":\"message:send\",\"payload\":{\"room\":\"" + room + "\",\"data\":" + i + ",\"excludeSelf\":true}}");
            }
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!hub.server().node().sessionsOf("slowpoke").isEmpty() && System.nanoTime() < end) Thread.sleep(20);
            assertThat(hub.server().node().sessionsOf("slowpoke")).as("slow consumer closed").isEmpty();
        }
        HttpResponse<String> after = http.get(path);
        assertThat(after.statusCode()).as("the Engine.IO session is gone").isEqualTo(400);
    }

    private static String sid(String handshake) {
        Matcher m = Pattern.compile("\"sid\":\"([^\"]+)\"").matcher(handshake);
        assertThat(m.find()).as(handshake).isTrue();
        return m.group(1);
    }
}
