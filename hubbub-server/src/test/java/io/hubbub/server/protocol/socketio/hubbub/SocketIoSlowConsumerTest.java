package io.hubbub.server.protocol.socketio.hubbub;

import io.hubbub.core.messaging.MessagingService;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.room.Room;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.RawWebSocket;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.hubbub.server.testing.Frames.p;
import static io.hubbub.server.testing.Frames.room;
import static io.hubbub.server.testing.Frames.type;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A Socket.IO client that stops reading is held to the same per-connection bound as a native one: its
 * frames wait in the connection's outbox while the WebSocket is backed up, and when the outbox is full
 * the connection is closed as a slow consumer (counted, and the client recovers on reconnect), rather
 * than piling up a second, larger backlog in the Engine.IO queue while the client falls ever further behind.
 */
class SocketIoSlowConsumerTest {
    private static final String WS = "/socket.io/?EIO=4&transport=websocket";

    @Test
    void aSocketIoClientThatStopsReadingIsClosedAsASlowConsumerAtTheOutboxBound() throws Exception {
        try (TestHubbub hub = TestHubbub.start(Map.of("limits.outboundQueueFrames", "128", "limits.outboundQueueBytes", "64KiB",
                "limits.connectsPerIpPerSecond", "1000"))) {
            String r = room("sio-slow");
            try (NativeClient fast = hub.connect("fast");
                 RawWebSocket slow = RawWebSocket.connect(hub.port(), WS, 4096)) {
                fast.ok("room:create", p("room", r, "name", "Slow", "historySize", 10));
                assertThat(slow.status()).isEqualTo(101);
                assertThat(slow.readFrameSkippingPings().text()).startsWith("0{\"sid\"");
                slow.sendText("40{\"token\":\"" + hub.token("slow") + "\"}");
                assertThat(slow.readFrameSkippingPings().text()).startsWith("40{\"sid\"");
                slow.sendText("421[\"room:join\",{\"room\":\"" + r + "\"}]");
                for (int i = 0; i < 20; i++) {
                    if (slow.readFrameSkippingPings().text().startsWith("431[")) break;
                }
                fast.take(f -> type(f).equals("presence:join"));
                Room room = hub.server().node().rooms().local(r).orElseThrow();
                MessagingService messaging = hub.server().node().messaging();
                String filler = "x".repeat(2000);
                long published = 0;
                long received = 0;
                long until = System.currentTimeMillis() + 20_000;
                // the slow client no longer reads; publish (paced so the fast client keeps up) until it is dropped
                while (room.memberCount() == 2 && System.currentTimeMillis() < until) {
                    for (int i = 0; i < 20; i++) {
                        messaging.publishToRoom(room, "message:new", Json.object().put("n", ++published).put("f", filler),
                                MessagingService.SERVER, null).join();
                    }
                    while (received < published - 100) {
                        assertThat(fast.event("message:new").path("data").path("n").asLong()).isEqualTo(++received);
                    }
                }
 for (String line : hub.server().metrics().scrape().split("\n")) if (line.startsWith("hubbub_") && !line.contains("bucket"))                assertThat(room.memberCount()).as("the slow consumer was removed").isEqualTo(1);
                assertThat(metric(hub, "hubbub_slow_consumer_closes"))
                        .as("closed by the outbox bound (slow consumer), not by the Engine.IO queue").isEqualTo(1);
                assertThat(published).as("it was cut off after a bounded backlog").isLessThan(20_000);
                while (received < published) {
                    assertThat(fast.event("message:new").path("data").path("n").asLong()).as("every message, in order").isEqualTo(++received);
                }
            }
        }
    }

    static double metric(TestHubbub hub, String series) {
        for (String line : hub.server().metrics().scrape().split("\n")) {
            if (line.startsWith(series + " ")) return Double.parseDouble(line.substring(series.length() + 1).trim());
        }
        return 0;
    }
}
