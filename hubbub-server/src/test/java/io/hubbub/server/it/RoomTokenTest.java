package io.hubbub.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.core.protocol.Json;
import io.hubbub.server.it.HttpApiTest.Res;
import io.hubbub.server.testing.HttpTestClient;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.hubbub.server.it.HttpApiTest.bearer;
import static io.hubbub.server.testing.Frames.p;
import static io.hubbub.server.testing.Frames.room;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Room tokens (POST /api/auth/token), tried as an attacker would: only someone who may grant entry mints
 * one; a token is bound to one instance of its room, so a token minted before a room existed, or for a
 * room since closed, never opens a room someone else created under that id — on every path that admits
 * a member (native and Socket.IO room:join, session:resume, room:create); and a room token opens its room
 * and nothing else (HTTP API, direct messages, presence, topics, room management).
 */
class RoomTokenTest {
    static TestHubbub hub;

    @BeforeAll
    static void start() {
        hub = TestHubbub.start(Map.of("limits.connectsPerIpPerSecond", "1000", "recovery.resumeWindow", "30s",
                "socketio.enabled", "true"));
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    static Res mint(String roomId, String authHeader, String authValue) {
        return HttpApiTest.call(hub, "POST", "/api/auth/token", Map.of("roomId", roomId), authHeader, authValue);
    }

    static String mintFor(String user, String roomId) {
        Res r = mint(roomId, "Authorization", bearer(hub.token(user)));
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return r.body().path("token").asText();
    }

    static NativeClient connectWith(String token) {
        NativeClient c = NativeClient.connect(hub.wsUrl() + "?token=" + token);
        c.event("session:welcome");
        return c;
    }

    @Test
    void onlySomeoneWhoMayGrantEntryMintsATokenForAnExistingPrivateRoom() {
        String secret = room("mint-private");
        String open = room("mint-public");
        try (NativeClient host = hub.connect("mint-host")) {
            host.ok("room:create", p("room", secret, "name", "Secret", "visibility", "private"));
            host.ok("room:create", p("room", open, "name", "Open"));
            Res stranger = mint(secret, "Authorization", bearer(hub.token("mint-stranger")));
            assertThat(stranger.status()).isEqualTo(403);
            assertThat(stranger.code()).isEqualTo("forbidden");
            assertThat(mint(secret, "Authorization", bearer(hub.token("mint-host"))).status()).isEqualTo(200);
            assertThat(mint(secret, "Authorization", bearer(hub.adminToken("mint-admin"))).status()).isEqualTo(200);
            assertThat(mint(secret, "X-Api-Key", TestHubbub.API_KEY).status()).isEqualTo(200);
            assertThat(mint(open, "Authorization", bearer(hub.token("mint-stranger"))).status()).isEqualTo(200);
            // the stranger's token for the public room does not open the private one
            try (NativeClient s = connectWith(mintFor("mint-stranger", open))) {
                assertThat(s.error("room:join", p("room", secret)).path("code").asText()).isEqualTo("forbidden");
                s.ok("room:join", p("room", open));
            }
        }
    }

    @Test
    void aTokenMintedBeforeARoomExistedNeverOpensTheRoomSomeoneElseCreated() {
        String r = room("pre-minted");
        String token = mintFor("pre-attacker", r); // the id does not exist yet: anyone may mint
        try (NativeClient victim = hub.connect("pre-victim")) {
            victim.ok("room:create", p("room", r, "name", "Victim's", "visibility", "private"));
            victim.ok("message:send", p("room", r, "data", "secret"));
            try (NativeClient attacker = connectWith(token)) {
                assertThat(attacker.error("room:join", p("room", r)).path("code").asText()).isEqualTo("forbidden");
                assertThat(attacker.error("room:create", p("room", r, "name", "Mine")).path("code").asText()).isEqualTo("conflict");
                assertThat(attacker.error("room:history", p("room", r)).path("code").asText()).isEqualTo("not_found");
                assertThat(attacker.error("message:send", p("room", r, "data", "hi")).path("code").asText()).isEqualTo("not_found");
            }
            // nor as the join token of the attacker's full connection
            try (NativeClient attacker = hub.connect("pre-attacker")) {
                assertThat(attacker.error("room:join", p("room", r, "token", token)).path("code").asText()).isEqualTo("forbidden");
            }
            assertThat(hub.server().node().rooms().local(r).orElseThrow().hasMember("pre-attacker")).isFalse();
        }
    }

    @Test
    void aTokenMintedBeforeARoomExistedLetsItsHolderCreateThatRoomOnly() {
        String r = room("signaling");
        try (NativeClient holder = connectWith(mintFor("sig-peer", r))) {
            assertThat(holder.error("room:create", p("room", r + "-x", "name", "Other")).path("code").asText()).isEqualTo("forbidden");
            holder.ok("room:create", p("room", r, "name", "Call", "visibility", "private"));
            holder.ok("message:send", p("room", r, "data", "offer"));
        }
    }

    @Test
    void aTokenForAClosedRoomDoesNotOpenALaterRoomOfTheSameId() {
        String r = room("reborn");
        String token;
        try (NativeClient first = hub.connect("reborn-host")) {
            first.ok("room:create", p("room", r, "name", "First"));
            token = mintFor("reborn-attacker", r); // public: anyone may mint, bound to this instance
            try (NativeClient a = connectWith(token)) {
                a.ok("room:join", p("room", r));
            }
            first.ok("room:close", p("room", r));
        }
        try (NativeClient victim = hub.connect("reborn-victim")) {
            victim.ok("room:create", p("room", r, "name", "Second", "visibility", "private"));
            try (NativeClient a = connectWith(token)) {
                JsonNode err = a.error("room:join", p("room", r));
                assertThat(err.path("code").asText()).isEqualTo("forbidden");
                assertThat(err.path("message").asText()).contains("instance");
            }
        }
    }

    @Test
    void sessionResumeDoesNotRejoinALaterRoomOfTheSameId() throws Exception {
        String r = room("resume");
        String token;
        String resumeToken;
        try (NativeClient first = hub.connect("res-host")) {
            first.ok("room:create", p("room", r, "name", "First"));
            token = mintFor("res-attacker", r);
            NativeClient a = NativeClient.connect(hub.wsUrl() + "?token=" + token);
            resumeToken = a.event("session:welcome").path("resumeToken").asText();
            a.ok("room:join", p("room", r));
            a.abort(); // dropped: its session (with the room) waits to be resumed
            for (int i = 0; i < 250 && !hub.server().node().sessionsOf("res-attacker").isEmpty(); i++) Thread.sleep(20);
            assertThat(hub.server().node().sessionsOf("res-attacker")).as("the drop was noticed").isEmpty();
            first.ok("room:close", p("room", r));
        }
        try (NativeClient victim = hub.connect("res-victim")) {
            victim.ok("room:create", p("room", r, "name", "Second", "visibility", "private"));
            try (NativeClient a = connectWith(token)) {
                JsonNode res = null;
                for (int i = 0; i < 50; i++) { // the dropped connection's snapshot is saved asynchronously
                    res = a.ok("session:resume", p("token", resumeToken));
                    if (res.path("resumed").asBoolean()) break;
                }
                assertThat(res.path("resumed").asBoolean()).as(res.toString()).isTrue();
                assertThat(res.path("rooms").path(r).path("error").path("code").asText()).as(res.toString()).isEqualTo("forbidden");
                assertThat(hub.server().node().rooms().local(r).orElseThrow().hasMember("res-attacker")).isFalse();
            }
        }
    }

    @Test
    void socketIoRoomJoinChecksTheBindingToo() throws Exception {
        String r = room("sio");
        String token = mintFor("sio-attacker", r);
        try (NativeClient victim = hub.connect("sio-victim")) {
            victim.ok("room:create", p("room", r, "name", "Victim's", "visibility", "private"));
            HttpTestClient http = new HttpTestClient("http://127.0.0.1:" + hub.port());
            String sid = sid(http.get("/socket.io/?EIO=4&transport=polling").body());
            String path = "/socket.io/?EIO=4&transport=polling&sid=" + sid;
            assertThat(http.post(path, "40{\"token\":\"" + token + "\"}").body()).isEqualTo("ok");
            StringBuilder seen = new StringBuilder(http.get(path).body());
            assertThat(http.post(path, "421[\"room:join\",{\"room\":\"" + r + "\"}]").body()).isEqualTo("ok");
            for (int i = 0; i < 5 && !seen.toString().contains("431["); i++) seen.append(http.get(path).body());
            String ack = seen.substring(seen.indexOf("431["));
            assertThat(ack).contains("forbidden");
            assertThat(hub.server().node().rooms().local(r).orElseThrow().hasMember("sio-attacker")).isFalse();
        }
    }

    @Test
    void aRoomTokenOpensItsRoomAndNothingElse() {
        String r = room("confined");
        try (NativeClient host = hub.connect("conf-host")) {
            host.ok("room:create", p("room", r, "name", "Confined", "visibility", "private"));
            String token = mintFor("conf-host", r); // the host's own token, handed to a guest
            try (NativeClient g = connectWith(token)) {
                g.ok("room:join", p("room", r));
                g.ok("message:send", p("room", r, "data", "hello"));
                for (var c : List.of(
                        new Object[]{"message:direct", p("to", "someone", "data", 1)},
                        new Object[]{"presence:query", p("users", List.of("conf-host"))},
                        new Object[]{"presence:subscribe", p("users", List.of("conf-host"))},
                        new Object[]{"presence:set", p("status", "away")},
                        new Object[]{"topic:subscribe", p("topic", "news")},
                        new Object[]{"room:list", Json.object()},
                        new Object[]{"room:close", p("room", r)},
                        new Object[]{"room:update", p("room", r, "name", "Hijacked")},
                        new Object[]{"room:invite", p("room", r, "user", "friend")})) {
                    assertThat(g.error((String) c[0], (JsonNode) c[1]).path("code").asText()).as((String) c[0]).isEqualTo("forbidden");
                }
                g.ok("ping", Json.object());
            }
            for (String[] route : List.of(new String[]{"GET", "/api/me"}, new String[]{"PATCH", "/api/me"},
                    new String[]{"POST", "/api/auth/token"}, new String[]{"GET", "/api/rooms"})) {
                Res res = HttpApiTest.call(hub, route[0], route[1], route[0].equals("GET") ? null : Map.of("roomId", r, "displayName", "x"),
                        "Authorization", bearer(token));
                assertThat(res.status()).as(route[0] + " " + route[1]).isEqualTo(403);
                assertThat(res.code()).isEqualTo("forbidden");
            }
        }
    }

    private static String sid(String handshake) {
        Matcher m = Pattern.compile("\"sid\":\"([^\"]+)\"").matcher(handshake);
        assertThat(m.find()).as(handshake).isTrue();
        return m.group(1);
    }
}
