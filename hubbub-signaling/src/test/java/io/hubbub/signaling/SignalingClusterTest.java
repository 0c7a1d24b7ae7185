package io.hubbub.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.protocol.Json;
import io.hubbub.redis.RedisServers;
import io.hubbub.server.testing.NativeClient;
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

import static io.hubbub.server.testing.Frames.p;
import static io.hubbub.signaling.SeedClient.f;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two nodes on one Redis: peers on different nodes meet in one signaling room, see each other, and
 * their signals travel through the user channel; a Socket.IO client and a seed 003 client take part too.
 */
class SignalingClusterTest {

    static Map<String, String> redis(String uri) {
        return Map.of("engine.type", "redis", "engine.redis.uri", uri, "auth.jwtSecret", "cluster-test-secret-0123456789abcdef-xyz");
    }

    @Test
    void peersOnTwoNodesSignalEachOther() throws Exception {
        try (RedisServers.Server redis = RedisServers.single();
             TestHubbub a = TestHubbub.start(redis(redis.uri())); TestHubbub b = TestHubbub.start(redis(redis.uri()));
             NativeClient ann = a.connect("ann"); NativeClient bob = b.connect("bob")) {
            String room = "cl-" + System.nanoTime();
            ann.ok("signal:join", p("room", room, "create", true, "capacity", 3));
            JsonNode joined = bob.ok("signal:join", p("room", room));
            assertThat(joined.at("/room/hostId").asText()).isEqualTo("ann");
            assertThat(joined.path("peers")).extracting(n -> n.path("userId").asText()).containsExactly("ann", "bob");
            assertThat(ann.event("signal:peer-joined").at("/data/userId").asText()).isEqualTo("bob");

            ObjectNode offer = p("room", room, "to", "bob", "kind", "offer");
            offer.set("signal", SignalingNativeTest.OFFER);
            ann.ok("signal:send", offer);
            JsonNode relay = bob.event("signal:relay");
            assertThat(relay.at("/from/id").asText()).isEqualTo("ann");
            assertThat(relay.at("/data/signal")).isEqualTo(SignalingNativeTest.OFFER);
            ObjectNode answer = p("room", room, "to", "ann", "kind", "answer");
            answer.set("signal", SignalingNativeTest.ANSWER);
            bob.ok("signal:send", answer);
            assertThat(ann.event("signal:relay").at("/data/kind").asText()).isEqualTo("answer");
            assertThat(bob.error("signal:send", p("room", room, "to", "zed", "kind", "bye")).path("code").asText()).isEqualTo("peer_gone");

            // a Socket.IO client on node b and a seed client on node a join the same room
            Socket sio = IO.socket(URI.create("http://127.0.0.1:" + b.port()), IO.Options.builder().setForceNew(true).setReconnection(false)
                    .setAuth(Map.of("token", b.token("cat"))).setTransports(new String[] {"websocket"}).build());
            try (SeedClient dan = SeedClient.connect("ws://127.0.0.1:" + a.port() + "/signaling?token=" + a.token("dan"))) {
                CompletableFuture<Object> welcome = new CompletableFuture<>();
                CompletableFuture<Object> relayed = new CompletableFuture<>();
                sio.once("session:welcome", x -> welcome.complete(x[0]));
                sio.on("signal:relay", x -> relayed.complete(x[0]));
                sio.connect();
                welcome.get(5, TimeUnit.SECONDS);
                JsonNode viaSio = emit(sio, "signal:join", p("room", room));
                assertThat(viaSio.path("peers")).as(viaSio.toString()).extracting(n -> n.path("userId").asText()).containsExactly("ann", "bob", "cat");
                dan.send(f("join-room", "dan", room));
                assertThat(dan.frame("error").path("code").asText()).as("capacity 3 holds across nodes").isEqualTo("room_full");

                ObjectNode toCat = p("room", room, "to", "cat", "kind", "ice-candidate");
                toCat.set("signal", SignalingNativeTest.CANDIDATE);
                ann.ok("signal:send", toCat);
                JsonNode got = Json.MAPPER.readTree(relayed.get(5, TimeUnit.SECONDS).toString());
                assertThat(got.at("/from/id").asText()).isEqualTo("ann");
                assertThat(got.at("/data/signal")).isEqualTo(SignalingNativeTest.CANDIDATE);
            } finally {
                sio.close();
            }

            // the host's node loses it: the peer on the other node is told and becomes host
            ann.ok("signal:leave", p("room", room));
            bob.take(fr -> fr.path("type").asText().equals("signal:peer-left") && fr.at("/payload/data/userId").asText().equals("ann"));
            assertThat(bob.event("room:host").at("/host/id").asText()).as("the longest-present remaining peer").isEqualTo("bob");
            assertThat(bob.ok("signal:peers", p("room", room)).at("/peers/0/isHost").asBoolean()).isTrue();
        }
    }

    static JsonNode emit(Socket s, String event, ObjectNode payload) throws Exception {
        CompletableFuture<Object> answer = new CompletableFuture<>();
        s.emit(event, new Object[] {new JSONObject(payload.toString())}, (Ack) args -> answer.complete(args[0]));
        return Json.MAPPER.readTree(answer.get(5, TimeUnit.SECONDS).toString());
    }
}
