package io.hubbub.server.protocol.socketio.hubbub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.protocol.Json;
import io.hubbub.redis.RedisServers;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.hubbub.server.protocol.socketio.hubbub.SocketIoNpmClientTest.commandWorks;
import static io.hubbub.server.protocol.socketio.hubbub.SocketIoNpmClientTest.npmCi;
import static io.hubbub.server.protocol.socketio.hubbub.SocketIoNpmClientTest.run;
import static io.hubbub.server.protocol.socketio.hubbub.SocketIoNpmClientTest.scenario;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code socketio.relayEvents}: the Socket.IO "Get started" chat client, changed only in its
 * {@code io()} line, chats through Hubbub (src/test/js/chat.js runs the tutorial's client logic
 * twice with the npm socket.io-client); relayed events keep any JSON arguments, obey the limits,
 * reach every node of a cluster and are recovered after a reconnect; unlisted events stay unknown.
 */
class SocketIoRelayTest {
    static final String MAX_FRAME = "4096";
    static final Map<String, String> RELAY = Map.of("socketio.relayEvents", "chat message,cursor", "server.maxFrameBytes", MAX_FRAME);
    private static TestHubbub hub;
    private static TestHubbub plain;

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(commandWorks("node", "--version"), "node is not installed");
        npmCi();
        hub = TestHubbub.start(RELAY);
        plain = TestHubbub.start();
    }

    @AfterAll
    static void stop() {
        if (hub != null) hub.close();
        if (plain != null) plain.close();
    }

    /** Two tutorial clients on one node see each other's (and their own) 'chat message' strings, in order. */
    @Test
    void gettingStartedChatBetweenTwoClients() throws Exception {
        assertThat(chat(hub, hub)).startsWith("OK both saw 10 messages in order");
    }

    /** The same with the two users on two nodes sharing Redis: the relay goes through the broker. */
    @Test
    void gettingStartedChatAcrossTwoNodes() throws Exception {
        try (RedisServers.Server redis = RedisServers.single();
             TestHubbub a = TestHubbub.start(cluster(redis, "relay-a"));
             TestHubbub b = TestHubbub.start(cluster(redis, "relay-b"))) {
            assertThat(chat(a, b)).startsWith("OK both saw 10 messages in order");
        }
    }

    /** Any JSON arguments round-trip; acks, too_large, binary and unlisted events answer; missed relays are recovered. */
    @Test
    void relayedArgumentsLimitsAndRecovery() throws Exception {
        assertThat(scenario(hub, "relay", Map.of("maxBytes", Integer.parseInt(MAX_FRAME)))).contains("missed relays recovered");
    }

    @Test
    void withoutRelayEventsACustomEventIsUnknown() throws Exception {
        scenario(plain, "relayOff", Map.of());
    }

    /** A native client subscribed to the relay topic sees each relayed event as topic:message with args and sender. */
    @Test
    void nativeClientsSeeRelayedEventsOnTheRelayTopic() throws Exception {
        try (NativeClient carol = hub.connect("carol")) {
            carol.event("session:welcome");
            carol.ok("topic:subscribe", Json.object().put("topic", Relay.TOPIC));
            assertThat(chat(hub, hub)).startsWith("OK");
            JsonNode m = carol.take(f -> "topic:message".equals(f.path("type").asText())
                    && "alice".equals(f.path("payload").path("from").path("id").asText()));
            JsonNode p = m.path("payload");
            assertThat(p.path("topic").asText()).isEqualTo(Relay.TOPIC);
            assertThat(p.path("event").asText()).isEqualTo("chat message");
            assertThat(p.path("data").isArray()).isTrue();
            assertThat(p.path("data").get(0).asText()).isEqualTo("alice says 0 — héllo ✓");
            assertThat(p.path("offset").asLong()).isPositive();
        }
    }

    @Test
    void relayingAHubbubEventNameIsRefusedAtStartup() {
        assertThatThrownBy(() -> TestHubbub.start(Map.of("socketio.relayEvents", "room:join")).close())
                .hasStackTraceContaining("'room:join' is a Hubbub event");
        assertThatThrownBy(() -> TestHubbub.start(Map.of("socketio.relayEvents", "disconnect")).close())
                .hasStackTraceContaining("socketio.relayEvents");
    }

    static Map<String, String> cluster(RedisServers.Server redis, String nodeId) {
        Map<String, String> o = new java.util.HashMap<>(RELAY);
        o.putAll(Map.of("engine.type", "redis", "engine.redis.uri", redis.uri(), "engine.nodeId", nodeId));
        return o;
    }

    /** Runs chat.js: alice's page talks to {@code a}, bob's to {@code b}. */
    static String chat(TestHubbub a, TestHubbub b) throws Exception {
        ObjectNode params = Json.object();
        params.putArray("urls").add("http://127.0.0.1:" + a.port()).add("http://127.0.0.1:" + b.port());
        params.putObject("tokens").put("alice", a.token("alice")).put("bob", b.token("bob"));
        params.put("count", 5);
        String out = run(List.of("node", "chat.js", params.toString()), 40);
        assertThat(out).as(out).startsWith("OK");
        return out;
    }
}
