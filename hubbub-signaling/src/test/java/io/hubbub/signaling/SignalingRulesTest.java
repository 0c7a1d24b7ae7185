package io.hubbub.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.protocol.Json;
import org.junit.jupiter.api.Test;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pure rules: signal shapes and limits, TURN REST credentials, the peer table, the watchdog levels. */
class SignalingRulesTest {

    static JsonNode json(String s) {
        return Json.parseObject(s);
    }

    @Test
    void signalsAreAClosedFamilyWithShapesAndASizeLimit() {
        assertThat(Signal.parse("offer", json("{\"type\":\"offer\",\"sdp\":\"v=0\"}"), 1024)).isInstanceOf(Signal.Offer.class);
        assertThat(Signal.parse("answer", Json.NODES.textNode("v=0"), 1024)).isInstanceOf(Signal.Answer.class);
        assertThat(Signal.parse("ice-candidate", json("{\"candidate\":\"candidate:1 1 udp 1 1.2.3.4 5 typ host\",\"sdpMid\":\"0\"}"), 1024))
                .isInstanceOf(Signal.IceCandidate.class);
        // a null or empty candidate is the browser's end-of-candidates marker
        assertThat(Signal.parse("ice-candidate", null, 1024)).isInstanceOf(Signal.EndOfCandidates.class);
        assertThat(Signal.parse("ice-candidate", json("{\"candidate\":\"\"}"), 1024)).isInstanceOf(Signal.EndOfCandidates.class);
        assertThat(Signal.parse("end-of-candidates", null, 1024).data()).isNull();
        assertThat(Signal.parse("bye", json("{\"reason\":\"done\"}"), 1024).kind()).isEqualTo("bye");
        assertThat(Signal.parse("renegotiate", null, 1024).kind()).isEqualTo("renegotiate");

        assertThat(Signal.isCandidate(Signal.parse("ice-candidate", Json.NODES.textNode("candidate:1"), 1024))).isTrue();
        assertThat(Signal.isCandidate(Signal.parse("offer", Json.NODES.textNode("v=0"), 1024))).isFalse();

        assertThatThrownBy(() -> Signal.parse("hello", null, 1024)).isInstanceOf(HubbubException.class).hasMessageContaining("field 'kind'");
        assertThatThrownBy(() -> Signal.parse("offer", null, 1024)).hasMessageContaining("offer SDP");
        assertThatThrownBy(() -> Signal.parse("offer", json("{\"type\":\"answer\",\"sdp\":\"v=0\"}"), 1024)).hasMessageContaining("'offer'");
        assertThatThrownBy(() -> Signal.parse("ice-candidate", json("{\"sdpMid\":\"0\"}"), 1024)).hasMessageContaining("candidate");
        String big = "v=0\\r\\n" + "a=x\\r\\n".repeat(300);
        assertThatThrownBy(() -> Signal.parse("offer", json("{\"type\":\"offer\",\"sdp\":\"" + big + "\"}"), 1024))
                .isInstanceOfSatisfying(HubbubException.class, e -> assertThat(e.code().wire()).isEqualTo("too_large"));
    }

    @Test
    void turnCredentialsFollowTheTurnRestApiSchemeCoturnChecks() throws Exception {
        IceServers ice = new IceServers(List.of("stun:127.0.0.1:3478"), List.of("turn:127.0.0.1:3478?transport=udp"), "s3cret", Duration.ofDays(1));
        long now = 1_700_000_000_123L;
        IceServers.Credentials c = ice.credentials("ann", now);
        assertThat(c.username()).isEqualTo((1_700_000_000L + 86_400) + ":ann");
        Mac mac = Mac.getInstance("HmacSHA1");
        mac.init(new SecretKeySpec("s3cret".getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
        assertThat(c.password()).isEqualTo(Base64.getEncoder().encodeToString(mac.doFinal(c.username().getBytes(StandardCharsets.UTF_8))));
        // a fixed vector, so a change of encoding cannot pass unnoticed
        assertThat(IceServers.password("secret".getBytes(StandardCharsets.UTF_8), "1234567890:user")).isEqualTo("tHbOsg6j8vjx6g3+R1ACZpLMHG0=");

        JsonNode view = ice.forUser("ann", now);
        assertThat(view.path("iceServers")).hasSize(2);
        assertThat(view.at("/iceServers/0/urls/0").asText()).isEqualTo("stun:127.0.0.1:3478");
        assertThat(view.at("/iceServers/1/username").asText()).isEqualTo(c.username());
        assertThat(view.at("/iceServers/1/credential").asText()).isEqualTo(c.password());
        assertThat(view.path("expiresAt").asLong()).isEqualTo(c.expiresAtMillis());
        assertThat(view.path("refreshAt").asLong()).isBetween(now, c.expiresAtMillis());

        // the expiry is in whole seconds: the refresh time stays before it even for short lifetimes
        for (long t = now; t < now + 1000; t += 137) {
            JsonNode shortLived = new IceServers(List.of(), List.of("turn:x"), "s", Duration.ofSeconds(2)).forUser("ann", t);
            assertThat(shortLived.path("refreshAt").asLong()).isLessThan(shortLived.path("expiresAt").asLong());
        }

        JsonNode none = new IceServers(List.of(), List.of(), "", Duration.ofDays(1)).forUser("ann", now);
        assertThat(none.path("iceServers")).isEmpty();
        assertThat(none.path("expiresAt").asLong()).isZero();
    }

    @Test
    void thePeerTableTracksHeartbeatsRateLimitsAndIsBounded() {
        AtomicLong nanos = new AtomicLong();
        PeerTracker<String> t = new PeerTracker<>(3, 1, 2, nanos::get);
        t.add("s1", "s1", "ann", "Ann", "r", 1000);
        t.add("s2", "s2", "bob", "Bob", "r", 1001);
        t.add("s2", "s2", "bob", "Bob", "r", 1500); // same connection and room: the same entry
        t.add("s3", "s3", "ann", "Ann", "q", 1002);
        assertThat(t.size()).isEqualTo(3);
        assertThatThrownBy(() -> t.add("s4", "s4", "cat", "Cat", "r", 1003))
                .isInstanceOfSatisfying(HubbubException.class, e -> assertThat(e.code().wire()).isEqualTo("limit_exceeded"));

        assertThat(t.inRoom("r")).extracting(PeerTracker.Peer::userId).containsExactly("ann", "bob");
        t.heartbeat("s1", 5000);
        assertThat(t.silent(5000, 3000)).extracting(PeerTracker.Peer::sessionId).containsExactlyInAnyOrder("s2", "s3");
        assertThat(t.lastHeartbeat("r", "ann")).isEqualTo(5000);
        assertThat(t.sessions()).containsExactlyInAnyOrder("s1", "s2", "s3");

        // candidates: a burst of 2, then 1 per second
        assertThat(t.allowCandidate("s1", "r")).isTrue();
        assertThat(t.allowCandidate("s1", "r")).isTrue();
        assertThat(t.allowCandidate("s1", "r")).isFalse();
        nanos.addAndGet(1_000_000_000L);
        assertThat(t.allowCandidate("s1", "r")).isTrue();

        assertThat(t.remove("s2", "r").userId()).isEqualTo("bob");
        assertThat(t.remove("s2", "r")).isNull();
        assertThat(t.size()).isEqualTo(2);
        assertThat(t.rooms()).isEqualTo(2);
        t.remove("s1", "r");
        assertThat(t.rooms()).isEqualTo(1);
    }

    @Test
    void theWatchdogHasTheSeedsTwoThresholds() {
        WatchdogPolicy p = new WatchdogPolicy(200L << 20, 300L << 20);
        assertThat(p.level(150L << 20)).isEqualTo(WatchdogPolicy.Level.OK);
        assertThat(p.level(250L << 20)).isEqualTo(WatchdogPolicy.Level.WARNING);
        assertThat(p.level(301L << 20)).isEqualTo(WatchdogPolicy.Level.CRITICAL);
        assertThatThrownBy(() -> new WatchdogPolicy(300, 200)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSignalsSizeIsCountedExactlyAsTheEncoderWritesIt() {
        // the limit and the metric count without encoding; the count must be the encoder's, byte for byte
        for (String j : List.of("{\"type\":\"offer\",\"sdp\":\"v=0\\r\\no=- 1 2 IN IP4 127.0.0.1\\r\\n\"}",
                "{\"candidate\":\"candidate:1 1 udp 2122 10.0.0.1 5000 typ host\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0,\"usernameFragment\":null}",
                "{\"q\":\"\\\"quoted\\\" back\\\\slash \\t tab \\u0001 ctl \\u007f del\"}",
                "{\"u\":\"é ü € 日本 \\ud83d\\ude00 emoji\",\"n\":[1,-2.5,1e3,true,false,null,{},[]]}",
                "{\"nested\":{\"a\":[{\"b\":\"c\"}],\"empty\":\"\"},\"big\":12345678901234}")) {
            JsonNode d = json(j);
            assertThat(Signal.jsonSize(d)).as(j).isEqualTo(Json.bytes(d).length);
        }
        JsonNode text = Json.NODES.textNode("v=0\r\nä\"");
        assertThat(Signal.jsonSize(text)).isEqualTo(Json.bytes(text).length);
    }

    @Test
    void theHandReadSendAcceptsExactlyWhatTheBinderAccepts() {
        // sendOf is the fast path; null sends the payload to Payloads.bind, which names the bad field
        List<String> valid = List.of("{\"room\":\"r-1:x.y_z\",\"to\":\"bob\",\"kind\":\"offer\",\"signal\":{\"sdp\":\"v=0\"}}",
                "{\"room\":\"r\",\"to\":\"bob\",\"kind\":\"bye\"}", "{\"room\":\"r\",\"to\":\"bob\",\"kind\":\"bye\",\"signal\":null}");
        for (String j : valid) {
            SignalingService.Send fast = SignalingService.sendOf(json(j));
            assertThat(fast).as(j).isNotNull();
            SignalingService.Send bound = io.hubbub.core.protocol.Payloads.bind(json(j), SignalingService.Send.class);
            assertThat(fast.room()).isEqualTo(bound.room());
            assertThat(fast.to()).isEqualTo(bound.to());
            assertThat(fast.kind()).isEqualTo(bound.kind());
        }
        List<String> refused = List.of("{\"room\":\"r\",\"to\":\"bob\",\"kind\":\"offer\",\"from\":\"ann\"}",
                "{\"room\":\"r r\",\"to\":\"bob\",\"kind\":\"offer\"}", "{\"room\":\"" + "r".repeat(65) + "\",\"to\":\"b\",\"kind\":\"offer\"}",
                "{\"room\":\"r\",\"to\":\"\",\"kind\":\"offer\"}", "{\"room\":\"r\",\"to\":\"" + "b".repeat(129) + "\",\"kind\":\"offer\"}",
                "{\"room\":\"r\",\"to\":5,\"kind\":\"offer\"}", "{\"room\":\"r\",\"kind\":\"offer\"}",
                "{\"room\":\"r\",\"to\":\"bob\",\"kind\":\"" + "k".repeat(33) + "\"}", "{\"room\":null,\"to\":\"bob\",\"kind\":\"offer\"}");
        for (String j : refused) {
            assertThat(SignalingService.sendOf(json(j))).as(j).isNull();
            assertThatThrownBy(() -> io.hubbub.core.protocol.Payloads.bind(json(j), SignalingService.Send.class)).as(j)
                    .isInstanceOfSatisfying(HubbubException.class, e -> assertThat(e.code().wire()).isEqualTo("bad_request"));
        }
    }

    @Test
    void theHandReadJoinAcceptsExactlyWhatTheBinderAccepts() {
        List<String> valid = List.of("{\"room\":\"r1\"}", "{\"room\":\"r1\",\"create\":true,\"capacity\":2,\"name\":\"N\",\"fileId\":\"\",\"fileName\":\"f.txt\",\"private\":false}",
                "{\"room\":\"r1\",\"create\":null,\"capacity\":null,\"name\":null,\"private\":null}", "{\"room\":\"r1\",\"capacity\":64}");
        for (String j : valid) {
            SignalingService.Join fast = SignalingService.joinOf(json(j));
            assertThat(fast).as(j).isEqualTo(io.hubbub.core.protocol.Payloads.bind(json(j), SignalingService.Join.class));
        }
        List<String> refused = List.of("{\"room\":\"r1\",\"from\":\"x\"}", "{\"room\":\"r 1\"}", "{}", "{\"room\":5}",
                "{\"room\":\"r1\",\"create\":\"true\"}", "{\"room\":\"r1\",\"capacity\":1}", "{\"room\":\"r1\",\"capacity\":65}",
                "{\"room\":\"r1\",\"capacity\":2.5}", "{\"room\":\"r1\",\"capacity\":\"4\"}", "{\"room\":\"r1\",\"name\":\"\"}",
                "{\"room\":\"r1\",\"name\":\"" + "n".repeat(101) + "\"}", "{\"room\":\"r1\",\"fileName\":\"" + "f".repeat(201) + "\"}",
                "{\"room\":\"r1\",\"fileId\":7}", "{\"room\":\"r1\",\"private\":1}");
        for (String j : refused) {
            assertThat(SignalingService.joinOf(json(j))).as(j).isNull();
            assertThatThrownBy(() -> io.hubbub.core.protocol.Payloads.bind(json(j), SignalingService.Join.class)).as(j)
                    .isInstanceOfSatisfying(HubbubException.class, e -> assertThat(e.code().wire()).isEqualTo("bad_request"));
        }
    }
}
