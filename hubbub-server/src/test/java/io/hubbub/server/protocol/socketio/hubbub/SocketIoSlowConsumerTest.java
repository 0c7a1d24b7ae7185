package io.hubbub.server.protocol.socketio.hubbub;

import io.hubbub.core.room.Room;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.RawWebSocket;
import io.hubbub.server.testing.SlowConsumerLoad;
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
                long published = SlowConsumerLoad.publishUntilDropped(hub, room, fast);
                assertThat(room.memberCount()).as("the slow consumer was removed").isEqualTo(1);
                assertThat(hub.metric("hubbub_slow_consumer_closes"))
                        .as("closed by the outbox bound (slow consumer), not by the Engine.IO queue").isEqualTo(1);
                assertThat(published).as("it was cut off after a bounded backlog").isLessThan(20_000);
            }
        }
    }
}
