package io.hubbub.server.protocol.nativejson;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.protocol.Json;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The native protocol end to end: a real server, real WebSocket clients, the documented events. */
class NativeProtocolTest {
    static TestHubbub hub;

    @BeforeAll
    static void start() {
        hub = TestHubbub.start(Map.of("auth.authTimeout", "400ms", "presence.typingTimeout", "300ms"));
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    static ObjectNode p(Object... kv) {
        ObjectNode o = Json.object();
        for (int i = 0; i < kv.length; i += 2) o.set((String) kv[i], Json.MAPPER.valueToTree(kv[i + 1]));
        return o;
    }

    static String room(String prefix) {
        return prefix + "-" + System.nanoTime();
    }

    @Test
    void handshakeTokenGivesAWelcomeWithSessionAndLimits() {
        try (NativeClient c = hub.connect("ann")) {
            JsonNode w = c.event("session:welcome");
            assertThat(w.path("user").path("id").asText()).isEqualTo("ann");
            assertThat(w.path("sessionId").asText()).startsWith("s_");
            assertThat(w.path("resumeToken").asText()).startsWith(w.path("sessionId").asText() + ".");
            assertThat(w.path("heartbeat").path("intervalMs").asLong()).isPositive();
            assertThat(w.path("limits").path("maxFrameBytes").asInt()).isEqualTo(65536);
            assertThat(c.ok("ping", Json.object()).path("ts").asLong()).isPositive();
        }
    }

    @Test
    void authFrameAuthenticatesAndOtherEventsBeforeItAreRefused() {
        try (NativeClient c = NativeClient.connect(hub.wsUrl())) {
            assertThat(c.error("room:list", Json.object()).path("code").asText()).isEqualTo("unauthorized");
            assertThat(c.error("auth", p("token", "not-a-jwt")).path("code").asText()).isEqualTo("unauthorized");
            JsonNode r = c.ok("auth", p("token", hub.token("bea")));
            assertThat(r.path("user").path("id").asText()).isEqualTo("bea");
            assertThat(c.event("session:welcome").path("user").path("id").asText()).isEqualTo("bea");
            assertThat(c.error("auth", p("token", hub.token("bea"))).path("code").asText()).isEqualTo("conflict");
        }
    }

    @Test
    void connectionsThatNeverAuthenticateAreClosedWithTheDocumentedCode() {
        try (NativeClient c = NativeClient.connect(hub.wsUrl())) {
            assertThat(c.awaitClose()).isEqualTo(4001);
            assertThat(c.closeReason()).isEqualTo("authentication timeout");
        }
    }

    @Test
    void anInvalidHandshakeTokenIsRefusedWith401() {
        assertThatThrownBy(() -> NativeClient.connect(hub.wsUrl() + "?token=garbage"))
                .rootCause().hasMessageContaining("401");
        assertThatThrownBy(() -> NativeClient.connect(hub.wsUrl() + "?v=7&token=" + hub.token("x")))
                .rootCause().hasMessageContaining("400");
    }

    @Test
    void roomMessagesReachEveryMemberInOrderWithOffsets() {
        String r = room("chat");
        try (NativeClient a = hub.connect("alice"); NativeClient b = hub.connect("bob")) {
            JsonNode created = a.ok("room:create", p("room", r, "name", "Chat"));
            assertThat(created.path("room").path("host").path("id").asText()).isEqualTo("alice");
            assertThat(created.path("position").path("offset").asLong()).isZero();
            JsonNode joined = b.ok("room:join", p("room", r));
            assertThat(joined.path("members")).extracting(m -> m.path("id").asText()).contains("alice", "bob");
            assertThat(a.event("presence:join").path("user").path("id").asText()).isEqualTo("bob");

            JsonNode ack = b.ok("message:send", p("room", r, "data", Map.of("text", "hi")));
            assertThat(ack.path("offset").asLong()).isEqualTo(1);
            for (NativeClient c : List.of(a, b)) {
                JsonNode m = c.event("message:new");
                assertThat(m.path("room").asText()).isEqualTo(r);
                assertThat(m.path("offset").asLong()).isEqualTo(1);
                assertThat(m.path("epoch").asText()).isEqualTo(ack.path("epoch").asText());
                assertThat(m.path("from").path("id").asText()).isEqualTo("bob");
                assertThat(m.path("data").path("text").asText()).isEqualTo("hi");
            }
            b.ok("message:send", p("room", r, "data", "only-for-others", "excludeSelf", true));
            assertThat(a.event("message:new").path("data").asText()).isEqualTo("only-for-others");
            assertThat(b.sees(f -> f.path("type").asText().equals("message:new"), 300)).isFalse();
        }
    }

    @Test
    void concurrentPublishersAreSeenInTheSameOrderByEveryReceiver() throws Exception {
        String r = room("order");
        try (NativeClient a = hub.connect("o1"); NativeClient b = hub.connect("o2"); NativeClient c = hub.connect("o3")) {
            a.ok("room:create", p("room", r, "name", "Order"));
            b.ok("room:join", p("room", r));
            c.ok("room:join", p("room", r));
            int n = 40;
            Thread t1 = Thread.ofVirtual().start(() -> { for (int i = 0; i < n; i++) a.send("message:send", p("room", r, "data", "a" + i)); });
            Thread t2 = Thread.ofVirtual().start(() -> { for (int i = 0; i < n; i++) b.send("message:send", p("room", r, "data", "b" + i)); });
            t1.join();
            t2.join();
            List<List<String>> seen = new ArrayList<>();
            for (NativeClient x : List.of(a, b, c)) {
                List<String> got = new ArrayList<>();
                long expect = 1;
                for (int i = 0; i < 2 * n; i++) {
                    JsonNode m = x.event("message:new");
                    assertThat(m.path("offset").asLong()).isEqualTo(expect++);
                    got.add(m.path("data").asText());
                }
                seen.add(got);
            }
            assertThat(seen.get(1)).isEqualTo(seen.get(0));
            assertThat(seen.get(2)).isEqualTo(seen.get(0));
        }
    }

    @Test
    void theHostRolePassesToTheLongestPresentMemberWhenTheHostLeaves() {
        String r = room("host");
        try (NativeClient a = hub.connect("h1"); NativeClient b = hub.connect("h2"); NativeClient c = hub.connect("h3")) {
            a.ok("room:create", p("room", r, "name", "Host"));
            b.ok("room:join", p("room", r));
            c.ok("room:join", p("room", r));
            a.ok("room:leave", p("room", r));
            assertThat(b.event("room:host").path("host").path("id").asText()).isEqualTo("h2");
            assertThat(c.event("room:host").path("host").path("id").asText()).isEqualTo("h2");
            assertThat(c.event("presence:leave").path("user").path("id").asText()).isEqualTo("h1");
            assertThat(c.error("room:close", p("room", r)).path("code").asText()).isEqualTo("forbidden");
            b.ok("room:close", p("room", r, "reason", "done"));
            assertThat(c.event("room:closed").path("reason").asText()).isEqualTo("done");
            assertThat(c.error("message:send", p("room", r, "data", 1)).path("code").asText()).isEqualTo("not_found");
            assertThat(c.error("room:join", p("room", r)).path("code").asText()).isEqualTo("not_found");
        }
    }

    @Test
    void aUserWithTwoTabsIsPresentOnceAndReceivesDirectMessagesOnBoth() {
        String r = room("tabs");
        try (NativeClient t1 = hub.connect("tab"); NativeClient t2 = hub.connect("tab"); NativeClient o = hub.connect("other")) {
            o.ok("room:create", p("room", r, "name", "Tabs"));
            t1.ok("room:join", p("room", r));
            assertThat(o.event("presence:join").path("user").path("id").asText()).isEqualTo("tab");
            JsonNode second = t2.ok("room:join", p("room", r));
            assertThat(second.path("members")).hasSize(2);
            assertThat(o.sees(f -> f.path("type").asText().equals("presence:join"), 300)).as("second tab is not a new member").isFalse();
            t1.ok("room:leave", p("room", r));
            assertThat(o.sees(f -> f.path("type").asText().equals("presence:leave"), 300)).as("one tab is still there").isFalse();

            o.ok("message:direct", p("to", "tab", "data", Map.of("secret", 42)));
            for (NativeClient t : List.of(t1, t2)) {
                JsonNode d = t.event("message:direct");
                assertThat(d.path("from").path("id").asText()).isEqualTo("other");
                assertThat(d.path("data").path("secret").asInt()).isEqualTo(42);
            }
        }
    }

    @Test
    void typingStartsAndStopsByItselfAfterTheTimeout() {
        String r = room("typing");
        try (NativeClient a = hub.connect("ty1"); NativeClient b = hub.connect("ty2")) {
            a.ok("room:create", p("room", r, "name", "Typing"));
            b.ok("room:join", p("room", r));
            b.ok("typing:start", p("room", r));
            assertThat(a.event("typing:start").path("user").path("id").asText()).isEqualTo("ty2");
            long t0 = System.nanoTime();
            assertThat(a.event("typing:stop").path("user").path("id").asText()).isEqualTo("ty2");
            assertThat((System.nanoTime() - t0) / 1_000_000).isGreaterThanOrEqualTo(200);
            a.ok("room:ephemeral", p("room", r, "event", "cursor", "data", Map.of("x", 1)));
            assertThat(b.event("room:ephemeral").path("data").path("x").asInt()).isEqualTo(1);
            assertThat(b.error("typing:start", p("room", "not-joined")).path("code").asText()).isEqualTo("not_found");
        }
    }

    @Test
    void privateRoomsNeedAnInviteOrARoomToken() {
        String r = room("private");
        try (NativeClient a = hub.connect("p1"); NativeClient b = hub.connect("p2"); NativeClient c = hub.connect("p3")) {
            a.ok("room:create", p("room", r, "name", "Secret", "visibility", "private"));
            assertThat(b.error("room:join", p("room", r)).path("code").asText()).isEqualTo("forbidden");
            assertThat(b.error("room:invite", p("room", r, "user", "p2")).path("code").asText()).isEqualTo("forbidden");
            a.ok("room:invite", p("room", r, "user", "p2"));
            b.ok("room:join", p("room", r));
            String roomToken = hub.server().jwt().issueRoomToken(io.hubbub.core.auth.Principal.user("p3", "p3"), r,
                    hub.server().node().rooms().local(r).orElseThrow().createdAt(), null).token();
            c.ok("room:join", p("room", r, "token", roomToken));
            JsonNode list = a.ok("room:list", Json.object());
            assertThat(list.path("rooms")).extracting(x -> x.path("id").asText()).doesNotContain(r);
        }
        String scoped = room("scoped");
        try (NativeClient a = hub.connect("s1")) {
            a.ok("room:create", p("room", scoped, "name", "Scoped"));
            String roomToken = hub.server().jwt().issueRoomToken(io.hubbub.core.auth.Principal.user("s2", "s2"), scoped,
                    hub.server().node().rooms().local(scoped).orElseThrow().createdAt(), null).token();
            try (NativeClient s = NativeClient.connect(hub.wsUrl() + "?token=" + roomToken)) {
                s.ok("room:join", p("room", scoped));
                assertThat(s.error("room:create", p("name", "x")).path("code").asText()).isEqualTo("forbidden");
            }
        }
    }

    @Test
    void presenceOfUsersCanBeQueriedAndWatched() {
        try (NativeClient w = hub.connect("watcher")) {
            JsonNode q = w.ok("presence:subscribe", p("users", List.of("watched")));
            assertThat(q.path("users").path("watched").path("online").asBoolean()).isFalse();
            NativeClient x = hub.connect("watched");
            x.event("session:welcome");
            assertThat(w.event("presence:user").path("online").asBoolean()).isTrue();
            assertThat(w.ok("presence:query", p("users", List.of("watched"))).path("users").path("watched").path("online").asBoolean()).isTrue();
            x.close();
            JsonNode off = w.event("presence:user");
            assertThat(off.path("online").asBoolean()).isFalse();
            assertThat(off.path("lastSeen").asLong()).isPositive();
        }
    }

    @Test
    void aNewConnectionResumesASessionWhoseOldConnectionIsStillHalfOpen() {
        String r = room("takeover");
        try (NativeClient host = hub.connect("to-host"); NativeClient old = hub.connect("to-user")) {
            host.ok("room:create", p("room", r, "name", "Takeover"));
            String token = old.event("session:welcome").path("resumeToken").asText();
            old.ok("room:join", p("room", r));
            JsonNode pos = host.ok("message:send", p("room", r, "data", "before"));
            assertThat(old.event("message:new").path("offset").asLong()).isEqualTo(pos.path("offset").asLong());
            // the old connection is still open (as after a silent network change); a new one resumes
            try (NativeClient fresh = hub.connect("to-user")) {
                fresh.event("session:welcome");
                host.ok("message:send", p("room", r, "data", "missed"));
                JsonNode res = fresh.ok("session:resume", p("token", token, "rooms",
                        Map.of(r, Map.of("epoch", pos.path("epoch").asText(), "offset", pos.path("offset").asLong()))));
                assertThat(res.path("resumed").asBoolean()).isTrue();
                assertThat(res.path("rooms").path(r).path("recovered").asBoolean()).isTrue();
                assertThat(fresh.event("message:new").path("data").asText()).isEqualTo("missed");
                assertThat(old.awaitClose()).isEqualTo(4011);
                host.ok("message:send", p("room", r, "data", "live"));
                assertThat(fresh.event("message:new").path("data").asText()).isEqualTo("live");
            }
        }
    }

    @Test
    void aTopicHookDecidesWhoMaySubscribe() {
        hub.server().node().onTopicSubscribe((session, topic) -> topic.startsWith("vip.") && !session.userId().startsWith("vip")
                ? java.util.concurrent.CompletableFuture.failedFuture(io.hubbub.core.protocol.HubbubException.forbidden("VIPs only"))
                : java.util.concurrent.CompletableFuture.completedFuture(null));
        try (NativeClient plain = hub.connect("plain-user"); NativeClient vip = hub.connect("vip-user")) {
            JsonNode refused = plain.error("topic:subscribe", p("topic", "vip.lounge"));
            assertThat(refused.path("code").asText()).isEqualTo("forbidden");
            assertThat(refused.path("message").asText()).isEqualTo("VIPs only");
            assertThat(plain.ok("topic:subscribe", p("topic", "public.news")).path("position").has("offset")).isTrue();
            vip.ok("topic:subscribe", p("topic", "vip.lounge"));
            assertThat(plain.error("topic:unsubscribe", p("topic", "vip.lounge")).path("code").asText()).as("refused subscribe left nothing behind").isEqualTo("not_found");
        }
    }

    @Test
    void serverPushedTopicsArriveAfterAnHttpPublishWithTheApiKey() throws Exception {
        try (NativeClient s = hub.connect("trader")) {
            s.ok("topic:subscribe", p("topic", "prices.btc"));
            assertThat(s.error("topic:subscribe", p("topic", "private.ops")).path("code").asText()).isEqualTo("forbidden");
            HttpResponse<String> res = HttpClient.newHttpClient().send(HttpRequest.newBuilder(hub.http("/api/publish"))
                    .header("X-Api-Key", TestHubbub.API_KEY).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"topic\":\"prices.btc\",\"event\":\"tick\",\"data\":{\"p\":97000}}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(res.statusCode()).isEqualTo(200);
            JsonNode m = s.event("topic:message");
            assertThat(m.path("topic").asText()).isEqualTo("prices.btc");
            assertThat(m.path("event").asText()).isEqualTo("tick");
            assertThat(m.path("data").path("p").asInt()).isEqualTo(97000);
            assertThat(m.path("offset").asLong()).isEqualTo(1);
        }
    }

}
