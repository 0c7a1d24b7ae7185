package io.hubbub.server.protocol.socketio.hubbub;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.core.session.Session;
import io.hubbub.server.testing.TestHubbub;
import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an idle Socket.IO connection keeps (issue 14): like a native one, its outbound queue goes back
 * once it wrote nothing for a heartbeat (an Engine.IO ping/pong round), and the next frame makes a new
 * one, with every reply still delivered — over WebSocket and over long-polling.
 */
class SocketIoIdleQueueTest {
    @Test
    void anIdleSocketIoConnectionHandsItsQueueBackAndStillGetsEveryReply() throws Exception {
        try (TestHubbub hub = TestHubbub.start(Map.of("socketio.pingInterval", "100ms", "socketio.pingTimeout", "10s"))) {
            for (String transport : new String[] {"websocket", "polling"}) {
                Socket s = IO.socket(URI.create("http://127.0.0.1:" + hub.port()), IO.Options.builder().setForceNew(true)
                        .setReconnection(false).setAuth(Map.of("token", hub.token("idle-" + transport))).setTransports(new String[] {transport})
                        .build());
                try {
                    CompletableFuture<Object> welcome = new CompletableFuture<>();
                    s.once("session:welcome", args -> welcome.complete(args[0]));
                    s.connect();
                    welcome.get(10, TimeUnit.SECONDS);
                    SocketIoSessionTransport t = transport(hub);
                    assertThat(await(() -> !t.holdsQueue())).as("the queue is handed back while idle (%s)", transport).isTrue();
                    for (int i = 0; i < 3; i++) {
                        // the reply makes a new queue; quiet again, it goes back again
                        assertThat(ping(s).path("ts").asLong()).isPositive();
                        assertThat(await(() -> !t.holdsQueue())).isTrue();
                    }
                } finally {
                    s.close();
                }
                assertThat(await(() -> !hub.server().node().sessions().iterator().hasNext())).isTrue();
            }
        }
    }

    private static SocketIoSessionTransport transport(TestHubbub hub) {
        Session s = hub.server().node().sessions().iterator().next();
        return (SocketIoSessionTransport) s.transport();
    }

    private static JsonNode ping(Socket s) throws Exception {
        CompletableFuture<Object> answer = new CompletableFuture<>();
        s.emit("ping", new Object[] {new JSONObject()}, (Ack) args -> answer.complete(args[0]));
        return io.hubbub.core.protocol.Json.MAPPER.readTree(answer.get(10, TimeUnit.SECONDS).toString());
    }

    /** Polls a condition (at most 500 times, 20 ms apart): waits for heartbeats without asserting on time. */
    private static boolean await(BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            if (condition.getAsBoolean()) return true;
            Thread.sleep(20);
        }
        return false;
    }
}
