package io.hubbub.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.protocol.Json;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.hubbub.server.testing.Frames.p;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The native protocol against a real server: rooms and peers (host hand-over to the longest present,
 * capacity, peer-joined/left, one identity per user however many connections), relay to one named
 * peer with the sender stamped by the server, peer_gone, the size and candidate limits.
 */
class SignalingNativeTest {

    static final ObjectNode OFFER = (ObjectNode) Json.parseObject("{\"type\":\"offer\",\"sdp\":\"v=0\\r\\no=- 1 2 IN IP4 127.0.0.1\\r\\n\"}");
    static final ObjectNode ANSWER = (ObjectNode) Json.parseObject("{\"type\":\"answer\",\"sdp\":\"v=0\\r\\no=- 3 4 IN IP4 127.0.0.1\\r\\n\"}");
    static final ObjectNode CANDIDATE = (ObjectNode) Json.parseObject(
            "{\"candidate\":\"candidate:1 1 udp 2122260223 127.0.0.1 50000 typ host\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0}");

    static ObjectNode send(String room, String to, String kind, JsonNode signal) {
        ObjectNode p = p("room", room, "to", to, "kind", kind);
        if (signal != null) p.set("signal", signal);
        return p;
    }

    @Test
    void peersMeetRelayOffersAnswersAndCandidatesAndTheHostHandsOver() {
        Map<String, String> o = Map.of("features.signaling.maxSignal", "1KiB", "features.signaling.candidatesPerSecond", "1",
                "features.signaling.candidateBurst", "3", "features.signaling.stunUrls", "stun:127.0.0.1:3478");
        try (TestHubbub hub = TestHubbub.start(o);
             NativeClient ann = hub.connect("ann"); NativeClient bob = hub.connect("bob"); NativeClient cat = hub.connect("cat")) {
            String room = "sig-" + System.nanoTime();
            JsonNode created = ann.ok("signal:join", p("room", room, "create", true, "name", "Pair", "fileId", "f1", "fileName", "main.rs"));
            assertThat(created.at("/room/hostId").asText()).isEqualTo("ann");
            assertThat(created.at("/room/roomName").asText()).isEqualTo("Pair");
            assertThat(created.at("/room/fileName").asText()).isEqualTo("main.rs");
            assertThat(created.at("/room/capacity").asInt()).isEqualTo(8);
            assertThat(created.at("/room/state").asText()).isEqualTo("active");
            assertThat(created.path("peers")).extracting(n -> n.path("userId").asText()).containsExactly("ann");
            assertThat(created.at("/self/isHost").asBoolean()).isTrue();
            assertThat(created.at("/iceServers/0/urls/0").asText()).isEqualTo("stun:127.0.0.1:3478");

            JsonNode joined = bob.ok("signal:join", p("room", room));
            assertThat(joined.path("peers")).extracting(n -> n.path("userId").asText()).containsExactly("ann", "bob");
            assertThat(joined.at("/peers/0/isHost").asBoolean()).isTrue();
            JsonNode pj = ann.event("signal:peer-joined");
            assertThat(pj.at("/data/userId").asText()).isEqualTo("bob");
            assertThat(pj.at("/data/isHost").asBoolean()).isFalse();
            cat.ok("signal:join", p("room", room));
            assertThat(ann.event("signal:peer-joined").at("/data/userId").asText()).isEqualTo("cat");
            assertThat(bob.event("signal:peer-joined").at("/data/userId").asText()).isEqualTo("cat");

            // offer → bob only; the sender is stamped by the server
            assertThat(ann.ok("signal:send", send(room, "bob", "offer", OFFER)).path("delivered").asBoolean()).isTrue();
            JsonNode relay = bob.event("signal:relay");
            assertThat(relay.at("/from/id").asText()).isEqualTo("ann");
            assertThat(relay.at("/data/room").asText()).isEqualTo(room);
            assertThat(relay.at("/data/kind").asText()).isEqualTo("offer");
            assertThat(relay.at("/data/signal")).isEqualTo(OFFER);
            bob.ok("signal:send", send(room, "ann", "answer", ANSWER));
            assertThat(ann.event("signal:relay").at("/data/signal")).isEqualTo(ANSWER);
            bob.ok("signal:send", send(room, "ann", "ice-candidate", CANDIDATE));
            assertThat(ann.event("signal:relay").at("/data/signal")).isEqualTo(CANDIDATE);
            bob.ok("signal:send", send(room, "ann", "end-of-candidates", null));
            assertThat(ann.event("signal:relay").at("/data/kind").asText()).isEqualTo("end-of-candidates");
            assertThat(cat.sees(f -> f.path("type").asText().equals("signal:relay"), 300)).as("only the named peer gets a signal").isFalse();

            // a client cannot choose the sender: the field does not exist, the frame is refused
            JsonNode forged = cat.error("signal:send", send(room, "bob", "offer", OFFER).put("from", "ann"));
            assertThat(forged.path("code").asText()).isEqualTo("bad_request");
            assertThat(forged.path("message").asText()).isEqualTo("field 'from' is not a known field");
            cat.ok("signal:send", send(room, "bob", "renegotiate", null));
            assertThat(bob.event("signal:relay").at("/from/id").asText()).isEqualTo("cat");

            // peer_gone, nothing queued; self; outside the room
            JsonNode gone = ann.error("signal:send", send(room, "zed", "offer", OFFER));
            assertThat(gone.path("code").asText()).isEqualTo("peer_gone");
            assertThat(gone.at("/details/peer").asText()).isEqualTo("zed");
            assertThat(ann.error("signal:send", send(room, "ann", "offer", OFFER)).path("code").asText()).isEqualTo("bad_request");
            assertThat(ann.error("signal:send", send("elsewhere", "bob", "offer", OFFER)).path("code").asText()).isEqualTo("not_found");
            assertThat(ann.error("signal:send", send(room, "bob", "smoke", null)).path("code").asText()).isEqualTo("bad_request");

            // limits: SDP size, candidate rate (burst 3: bob already used one)
            ObjectNode huge = Json.object().put("type", "offer").put("sdp", "a=x\r\n".repeat(400));
            assertThat(ann.error("signal:send", send(room, "bob", "offer", huge)).path("code").asText()).isEqualTo("too_large");
            ann.ok("signal:send", send(room, "bob", "ice-candidate", CANDIDATE));
            ann.ok("signal:send", send(room, "bob", "ice-candidate", CANDIDATE));
            ann.ok("signal:send", send(room, "bob", "ice-candidate", CANDIDATE));
            assertThat(ann.error("signal:send", send(room, "bob", "ice-candidate", CANDIDATE)).path("code").asText()).isEqualTo("rate_limited");
            ann.ok("signal:send", send(room, "bob", "offer", OFFER)); // other kinds are not rate limited this way

            // the host leaves: the longest-present peer (bob) becomes host and everyone is told
            ann.ok("signal:leave", p("room", room));
            assertThat(bob.event("signal:peer-left").at("/data/userId").asText()).isEqualTo("ann");
            assertThat(bob.event("room:host").at("/host/id").asText()).isEqualTo("bob");
            assertThat(cat.event("room:host").at("/host/id").asText()).isEqualTo("bob");
            JsonNode peers = cat.ok("signal:peers", p("room", room)).path("peers");
            assertThat(peers).extracting(n -> n.path("userId").asText()).containsExactly("bob", "cat");
            assertThat(peers.get(0).path("isHost").asBoolean()).isTrue();
            // signals to a peer that left answer peer_gone
            assertThat(cat.error("signal:send", send(room, "ann", "offer", OFFER)).path("code").asText()).isEqualTo("peer_gone");

            // the same rooms are core rooms: visible to room:get
            assertThat(cat.ok("room:get", p("room", room)).path("host").path("id").asText()).isEqualTo("bob");
        }
    }

    @Test
    void capacityIsAMeshLimitAndAUsersSecondConnectionIsTheSamePeer() {
        try (TestHubbub hub = TestHubbub.start(Map.of());
             NativeClient ann = hub.connect("ann"); NativeClient bob = hub.connect("bob"); NativeClient cat = hub.connect("cat")) {
            String room = "cap-" + System.nanoTime();
            ann.ok("signal:join", p("room", room, "create", true, "capacity", 2));
            bob.ok("signal:join", p("room", room));
            assertThat(cat.error("signal:join", p("room", room)).path("code").asText()).isEqualTo("room_full");
            assertThat(ann.error("signal:join", p("room", room, "capacity", 1)).path("code").asText()).isEqualTo("bad_request");
            assertThat(cat.error("signal:join", p("room", "nope-" + System.nanoTime())).path("code").asText()).isEqualTo("not_found");
            ann.ok("room:create", p("room", room + "-plain", "name", "chat"));
            assertThat(cat.error("signal:join", p("room", room + "-plain")).path("message").asText()).contains("not a signaling room");
            assertThat(ann.event("signal:peer-joined").at("/data/userId").asText()).isEqualTo("bob");

            // bob reconnects (a second connection while the first may still look alive): same peer, no "id taken"
            try (NativeClient bob2 = hub.connect("bob")) {
                JsonNode again = bob2.ok("signal:join", p("room", room));
                assertThat(again.path("peers")).extracting(n -> n.path("userId").asText()).containsExactly("ann", "bob");
                assertThat(ann.sees(f -> f.path("type").asText().equals("signal:peer-joined"), 300)).isFalse();
                bob.close();
                assertThat(ann.sees(f -> f.path("type").asText().equals("signal:peer-left"), 300))
                        .as("the user is still in through its other connection").isFalse();
                ann.ok("signal:send", send(room, "bob", "offer", OFFER));
                assertThat(bob2.event("signal:relay").at("/from/id").asText()).isEqualTo("ann");
                bob2.ok("signal:leave", p("room", room));
                assertThat(ann.event("signal:peer-left").at("/data/userId").asText()).isEqualTo("bob");
            }
        }
    }

    @Test
    void aPeerThatDropsAndResumesIsTheSamePeerAgain() {
        try (TestHubbub hub = TestHubbub.start(Map.of()); NativeClient ann = hub.connect("ann")) {
            String room = "resume-" + System.nanoTime();
            ann.ok("signal:join", p("room", room, "create", true));
            NativeClient bob = hub.connect("bob");
            String resumeToken = bob.event("session:welcome").path("resumeToken").asText();
            bob.ok("signal:join", p("room", room));
            assertThat(ann.event("signal:peer-joined").at("/data/userId").asText()).isEqualTo("bob");
            bob.abort(); // network loss
            assertThat(ann.event("signal:peer-left").at("/data/userId").asText()).isEqualTo("bob");
            try (NativeClient back = hub.connect("bob")) {
                JsonNode resumed = back.ok("session:resume", p("token", resumeToken));
                assertThat(resumed.path("resumed").asBoolean()).as(resumed.toString()).isTrue();
                assertThat(ann.event("signal:peer-joined").at("/data/userId").asText()).as("the same peer id, not 'taken'").isEqualTo("bob");
                ann.ok("signal:send", send(room, "bob", "offer", OFFER));
                assertThat(back.event("signal:relay").at("/from/id").asText()).isEqualTo("ann");
                assertThat(back.ok("signal:peers", p("room", room)).path("peers")).extracting(n -> n.path("userId").asText())
                        .containsExactly("ann", "bob");
            }
        }
    }

    @Test
    void aSilentPeerIsRemovedAfterTheHeartbeatTimeout() throws Exception {
        Map<String, String> o = Map.of("features.signaling.heartbeatInterval", "100ms", "features.signaling.peerTimeout", "400ms");
        try (TestHubbub hub = TestHubbub.start(o); NativeClient ann = hub.connect("ann"); NativeClient bob = hub.connect("bob")) {
            String room = "hb-" + System.nanoTime();
            ann.ok("signal:join", p("room", room, "create", true));
            bob.ok("signal:join", p("room", room));
            assertThat(bob.event("signal:heartbeat").path("interval").asLong()).isEqualTo(100);
            // ann answers heartbeats, bob does not
            Thread beat = Thread.ofVirtual().start(() -> {
                for (int i = 0; i < 200 && !Thread.currentThread().isInterrupted(); i++) {
                    ann.send("signal:heartbeat", Json.object());
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            try {
                JsonNode removed = bob.event("signal:removed");
                assertThat(removed.path("room").asText()).isEqualTo(room);
                assertThat(removed.path("reason").asText()).isEqualTo("heartbeat timeout");
                assertThat(ann.event("signal:peer-left").at("/data/userId").asText()).isEqualTo("bob");
            } finally {
                beat.interrupt();
                beat.join();
            }
            String metrics = new String(hub.http("/metrics").toURL().openStream().readAllBytes());
            assertThat(metrics).contains("hubbub_signaling_peer_timeouts_total");
        }
    }
}
