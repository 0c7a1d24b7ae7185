package io.hubbub.server.protocol.socketio.hubbub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.protocol.Json;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import org.json.JSONObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Java {@code io.socket:socket.io-client} against a real Hubbub server: connect with an auth
 * token, join, send with acknowledgement, receive; refusal of a bad token; and a native-protocol
 * client and a Socket.IO client in one room seeing each other's messages.
 */
class SocketIoJavaClientTest {
    private static TestHubbub hub;
    private final List<Socket> sockets = new ArrayList<>();

    @BeforeAll
    static void start() {
        hub = TestHubbub.start();
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    @AfterEach
    void closeSockets() {
        sockets.forEach(Socket::close);
    }

    private Socket socket(Map<String, String> auth, String... transports) {
        IO.Options options = IO.Options.builder()
                .setForceNew(true)
                .setReconnection(false)
                .setAuth(auth)
                .setTransports(transports)
                .build();
        Socket s = IO.socket(URI.create("http://127.0.0.1:" + hub.port()), options);
        sockets.add(s);
        return s;
    }

    /** Connects and returns the session:welcome payload. */
    private static JSONObject connect(Socket s) throws Exception {
        CompletableFuture<JSONObject> welcome = new CompletableFuture<>();
        s.once("session:welcome", args -> welcome.complete((JSONObject) args[0]));
        s.once(Socket.EVENT_CONNECT_ERROR, args -> welcome.completeExceptionally(new AssertionError("refused: " + args[0])));
        s.connect();
        return welcome.get(5, TimeUnit.SECONDS);
    }

    private static JsonNode call(Socket s, String event, ObjectNode payload) throws Exception {
        CompletableFuture<Object> answer = new CompletableFuture<>();
        s.emit(event, new Object[] {new JSONObject(payload.toString())}, (Ack) args -> answer.complete(args[0]));
        return Json.MAPPER.readTree(answer.get(5, TimeUnit.SECONDS).toString());
    }

    @Test
    void connectJoinSendWithAckAndReceiveAlongsideANativeClient() throws Exception {
        String room = "java-" + UUID.randomUUID().toString().substring(0, 8);
        try (NativeClient alice = hub.connect("alice")) {
            alice.ok("room:create", Json.object().put("room", room).put("name", "Mixed"));

            Socket bob = socket(Map.of("token", hub.token("bob")), "websocket");
            LinkedBlockingQueue<Object[]> bobReceives = new LinkedBlockingQueue<>();
            bob.on("message:new", bobReceives::add);
            JSONObject welcome = connect(bob);
            assertThat(welcome.getJSONObject("user").getString("id")).isEqualTo("bob");

            JsonNode joined = call(bob, "room:join", Json.object().put("room", room));
            assertThat(joined.path("room").path("id").asText()).isEqualTo(room);
            assertThat(alice.event("presence:join").path("user").path("id").asText()).isEqualTo("bob");

            // Socket.IO -> native
            ObjectNode send = Json.object().put("room", room);
            send.putObject("data").put("text", "hi from socket.io");
            JsonNode ack = call(bob, "message:send", send);
            assertThat(ack.path("offset").asLong()).isEqualTo(1);
            JsonNode atAlice = alice.event("message:new");
            assertThat(atAlice.path("from").path("id").asText()).isEqualTo("bob");
            assertThat(atAlice.path("data").path("text").asText()).isEqualTo("hi from socket.io");
            assertThat(atAlice.path("offset").asLong()).isEqualTo(1);

            // native -> Socket.IO (bob got his own message first)
            Object[] own = bobReceives.poll(5, TimeUnit.SECONDS);
            assertThat(own).isNotNull();
            alice.ok("message:send", Json.object().put("room", room).put("data", "hi from native"));
            Object[] args = bobReceives.poll(5, TimeUnit.SECONDS);
            assertThat(args).as("bob receives alice's message").isNotNull();
            JSONObject m = (JSONObject) args[0];
            assertThat(m.getString("data")).isEqualTo("hi from native");
            assertThat(m.getJSONObject("from").getString("id")).isEqualTo("alice");
            assertThat(m.getLong("offset")).isEqualTo(2);
            assertThat(args[1]).as("recovery offset argument").isEqualTo("r|" + room + "|" + m.getString("epoch") + "|2");

            // errors come back in the acknowledgement with the native codes
            JsonNode error = call(bob, "room:join", Json.object().put("room", room));
            assertThat(error.path("error").path("code").asText()).isEqualTo("conflict");
        }
    }

    @Test
    void pollingWorksToo() throws Exception {
        Socket s = socket(Map.of("token", hub.token("carol")), "polling");
        assertThat(connect(s).getJSONObject("user").getString("id")).isEqualTo("carol");
        assertThat(call(s, "ping", Json.object()).path("ts").asLong()).isPositive();
    }

    @Test
    void aBadTokenIsRefusedWithConnectError() throws Exception {
        awaitNoConnections(); // sessions of other tests end asynchronously
        Socket s = socket(Map.of("token", "forged"), "websocket");
        CompletableFuture<Object> error = new CompletableFuture<>();
        s.once(Socket.EVENT_CONNECT_ERROR, args -> error.complete(args[0]));
        s.once(Socket.EVENT_CONNECT, args -> error.completeExceptionally(new AssertionError("connected with a forged token")));
        s.connect();
        JSONObject refusal = (JSONObject) error.get(5, TimeUnit.SECONDS);
        assertThat(refusal.getString("message")).isEqualTo("unauthorized");
        assertThat(refusal.getJSONObject("data").getString("code")).isEqualTo("unauthorized");
        Thread.sleep(200);
        assertThat(hub.server().node().connectionCount()).as("no session left behind").isZero();
    }

    private static void awaitNoConnections() throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (hub.server().node().connectionCount() > 0 && System.nanoTime() < end) Thread.sleep(20);
    }
}
