package io.hubbub.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.protocol.Json;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import static io.hubbub.server.testing.Frames.p;
import static io.hubbub.signaling.SeedClient.f;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Seed 003's frames on /signaling, frame by frame, against a real server: auth, rooms, peers, the three
 * signals, heartbeat, presence, cursors; identity inside frames must match the token; the same room is
 * shared with native clients.
 */
class Seed003AdapterTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final JsonNode OFFER = SignalingNativeTest.OFFER;

    @Test
    void theSeedsClientFramesWorkUnchanged() throws Exception {
        try (TestHubbub hub = TestHubbub.start(Map.of("features.signaling.heartbeatInterval", "200ms"))) {
            String room = "seed-" + System.nanoTime();
            String ws = "ws://127.0.0.1:" + hub.port() + "/signaling";
            try (SeedClient ann = SeedClient.connect(ws); SeedClient bob = SeedClient.connect(ws + "?token=" + hub.token("bob"));
                 NativeClient dan = hub.connect("dan")) {
                // nothing before auth
                ann.send(f("join-room", "ann", room));
                assertThat(ann.frame("error").path("code").asText()).isEqualTo("unauthorized");
                // auth: a userId that is not the token's is refused, the token's own is accepted
                ann.send(f("auth", "mallory", room).put("token", hub.token("ann")));
                assertThat(ann.frame("error").path("code").asText()).isEqualTo("forbidden");
                ann.send(f("auth", "ann", room, "token", hub.token("ann")));
                JsonNode ok = ann.frame("auth-ok");
                assertThat(ok.path("userId").asText()).isEqualTo("ann");

                ann.send(f("create-room", "ann", room, "roomName", "Pairing", "fileId", "f-7"));
                JsonNode created = ann.frame("room-created");
                assertThat(created.path("roomId").asText()).isEqualTo(room);
                assertThat(created.at("/data/room/hostId").asText()).isEqualTo("ann");
                assertThat(created.at("/data/room/fileId").asText()).isEqualTo("f-7");
                assertThat(created.at("/data/peers/0/userId").asText()).isEqualTo("ann");

                bob.send(f("join-room", "bob", room, "userName", "Bob"));
                assertThat(bob.frame("room-joined").at("/data/peers")).extracting(n -> n.path("userId").asText()).containsExactly("ann", "bob");
                JsonNode pj = ann.frame("peer-joined");
                assertThat(pj.path("roomId").asText()).isEqualTo(room);
                assertThat(pj.at("/data/peer/userId").asText()).isEqualTo("bob");

                // the three signals, addressed with data.peer; the receiver sees the sender in userId and data.peer
                ann.send(f("sdp-offer", "ann", room, "peer", "bob", "offer", OFFER));
                JsonNode offer = bob.frame("sdp-offer");
                assertThat(offer.path("userId").asText()).isEqualTo("ann");
                assertThat(offer.at("/data/peer").asText()).isEqualTo("ann");
                assertThat(offer.at("/data/offer")).isEqualTo(OFFER);
                bob.send(f("sdp-answer", "bob", room, "peer", "ann", "answer", SignalingNativeTest.ANSWER));
                assertThat(ann.frame("sdp-answer").at("/data/answer")).isEqualTo(SignalingNativeTest.ANSWER);
                bob.send(f("ice-candidate", "bob", room, "peer", "ann", "candidate", SignalingNativeTest.CANDIDATE));
                assertThat(ann.frame("ice-candidate").at("/data/candidate")).isEqualTo(SignalingNativeTest.CANDIDATE);
                ObjectNode end = f("ice-candidate", "bob", room, "peer", "ann");
                ((ObjectNode) end.get("data")).putNull("candidate");
                bob.send(end);
                assertThat(ann.frame("ice-candidate").at("/data/candidate").isNull()).isTrue();

                // a frame claiming another user is refused; nothing reaches the target
                bob.send(f("sdp-offer", "ann", room, "peer", "ann", "offer", OFFER));
                JsonNode refused = bob.frame("error");
                assertThat(refused.path("code").asText()).isEqualTo("forbidden");
                assertThat(ann.sees("sdp-offer", 300)).isFalse();
                // an offline peer: peer_gone, not queued
                bob.send(f("sdp-offer", "bob", room, "peer", "zed", "offer", OFFER));
                JsonNode gone = bob.frame("error");
                assertThat(gone.path("code").asText()).isEqualTo("peer_gone");
                assertThat(gone.at("/data/peer").asText()).isEqualTo("zed");
                // bad frames answer an error and the connection stays usable
                bob.sendRaw("not json");
                assertThat(bob.frame("error").path("code").asText()).isEqualTo("bad_request");
                bob.send(f("teleport", "bob", room));
                assertThat(bob.frame("error").path("message").asText()).contains("unknown frame type");

                // presence and cursors reach the other peers
                bob.send(f("presence", "bob", room, "status", "idle"));
                JsonNode presence = ann.frame("presence");
                assertThat(presence.path("userId").asText()).isEqualTo("bob");
                assertThat(presence.at("/data/status").asText()).isEqualTo("idle");
                bob.send(f("cursor-update", "bob", room, "line", 12, "column", 4));
                JsonNode cursor = ann.frame("cursor-update");
                assertThat(cursor.path("userId").asText()).isEqualTo("bob");
                assertThat(cursor.at("/data/line").asInt()).isEqualTo(12);

                // server heartbeats; a client heartbeat is accepted silently
                assertThat(ann.frame("heartbeat").size()).isEqualTo(1);
                ann.send(f("heartbeat", "ann", room));

                // the same room over the native protocol
                JsonNode nat = dan.ok("signal:join", p("room", room));
                assertThat(nat.path("peers")).extracting(n -> n.path("userId").asText()).containsExactly("ann", "bob", "dan");
                assertThat(bob.frame("peer-joined").at("/data/peer/userId").asText()).isEqualTo("dan");
                ObjectNode s = p("room", room, "to", "bob", "kind", "offer");
                s.set("signal", OFFER);
                dan.ok("signal:send", s);
                assertThat(bob.frame("sdp-offer").path("userId").asText()).isEqualTo("dan");

                // the host leaves: the others are told, the longest-present peer is the new host
                ann.send(f("leave-room", "ann", room));
                assertThat(ann.frame("room-left").path("roomId").asText()).isEqualTo(room);
                assertThat(bob.frame("peer-left").at("/data/peer/userId").asText()).isEqualTo("ann");
                assertThat(bob.frame("host-changed").at("/data/peer/userId").asText()).isEqualTo("bob");
                assertThat(dan.event("room:host").at("/host/id").asText()).isEqualTo("bob");
            }
        }
    }

    @Test
    void aRoomScopedTokenOpensItsRoomOnly() throws Exception {
        try (TestHubbub hub = TestHubbub.start(Map.of())) {
            String room = "scoped-" + System.nanoTime();
            try (NativeClient host = hub.connect("host"); SeedClient cat = SeedClient.connect("ws://127.0.0.1:" + hub.port() + "/signaling")) {
                host.ok("signal:join", p("room", room, "create", true));
                // minted after the room exists: a token minted before would open only a room its holder created
                HttpResponse<String> res = HTTP.send(HttpRequest.newBuilder(hub.http("/api/auth/token"))
                        .header("Authorization", "Bearer " + hub.token("cat")).POST(HttpRequest.BodyPublishers.ofString("{\"roomId\":\"" + room + "\"}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
                String scoped = Json.parseObject(res.body()).path("token").asText();
                cat.send(f("auth", "cat", "other-room", "token", scoped));
                assertThat(cat.frame("error").path("message").asText()).isEqualTo("roomId does not match the token");
                cat.send(f("auth", "cat", room, "token", scoped));
                cat.frame("auth-ok");
                cat.send(f("join-room", "cat", "other-room"));
                assertThat(cat.frame("error").path("code").asText()).isEqualTo("forbidden");
                cat.send(f("join-room", "cat", room));
                assertThat(cat.frame("room-joined").at("/data/peers")).hasSize(2);
            }
        }
    }
}
