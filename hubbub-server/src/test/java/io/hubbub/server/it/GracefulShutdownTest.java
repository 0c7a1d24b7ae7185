package io.hubbub.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.hubbub.server.testing.Frames.p;
import static io.hubbub.server.testing.Frames.room;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Graceful shutdown: clients are told when to come back, closed with 1001, and the server is gone within the deadline. */
class GracefulShutdownTest {

    @Test
    void clientsAreToldToReconnectAndTheServerStopsWithinTheDeadline() throws Exception {
        TestHubbub hub = TestHubbub.start(Map.of("shutdown.reconnectDelay", "1500ms", "limits.connectsPerIpPerSecond", "1000"));
        int port = hub.port();
        String r = room("bye");
        NativeClient a = hub.connect("sd-a");
        NativeClient b = hub.connect("sd-b");
        NativeClient unauthenticated = NativeClient.connect(hub.wsUrl());
        try {
            a.ok("room:create", p("room", r, "name", "Bye"));
            b.ok("room:join", p("room", r));
            unauthenticated.ok("ping", com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode());

            long t0 = System.nanoTime();
            hub.server().shutdown(Duration.ofSeconds(5));
            long took = (System.nanoTime() - t0) / 1_000_000;

            for (NativeClient c : List.of(a, b, unauthenticated)) {
                JsonNode bye = c.event("server:shutdown");
                assertThat(bye.path("reconnectAfterMs").asLong()).isEqualTo(1500);
                assertThat(c.awaitClose()).isEqualTo(1001);
            }
            assertThat(took).as("clients that close promptly let the shutdown finish early").isLessThan(5000);
            assertThatThrownBy(() -> {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
                }
            }).as("the port no longer accepts").isInstanceOf(IOException.class);
        } finally {
            hub.close();
        }
    }

    @Test
    void clientsThatNeverCloseDoNotHoldTheShutdownPastItsDeadline() throws Exception {
        TestHubbub hub = TestHubbub.start(Map.of("limits.connectsPerIpPerSecond", "1000"));
        try (io.hubbub.server.testing.RawWebSocket mute = io.hubbub.server.testing.RawWebSocket.connect(hub.port(),
                "/ws?token=" + hub.token("sd-mute"), 0)) {
            assertThat(mute.status()).isEqualTo(101);
            // the session exists once the welcome is sent (the 101 arrives before it is registered)
            assertThat(mute.readFrame().text()).contains("session:welcome");
            long t0 = System.nanoTime();
            hub.server().shutdown(Duration.ofMillis(800));
            long took = (System.nanoTime() - t0) / 1_000_000;
            assertThat(took).isBetween(700L, 3000L);
            assertThat(mute.awaitClose(5000)).as("the mute client still got the close frame").isIn(1001, -1);
        } finally {
            hub.close();
        }
    }
}
