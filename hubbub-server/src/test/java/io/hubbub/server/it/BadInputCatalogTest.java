package io.hubbub.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.core.protocol.Json;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.RawWebSocket;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static io.hubbub.server.testing.Frames.p;
import static io.hubbub.server.testing.Frames.type;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bad-input catalog (issue 2, "Tests"): every kind of bad frame a client can send, each answered
 * with its documented error code; afterwards the offending connection still works where that is safe
 * (a ping gets its reply, room messages still arrive) and a bystander in the same room is unaffected.
 */
class BadInputCatalogTest {
    static final int MAX_FRAME = 2048;
    static TestHubbub hub;
    static NativeClient host;
    static NativeClient bystander;
    static String room;
    static String privateRoom;
    static final AtomicInteger users = new AtomicInteger();
    static final AtomicInteger marks = new AtomicInteger();

    @BeforeAll
    static void start() {
        hub = TestHubbub.start(Map.of("server.maxFrameBytes", MAX_FRAME + "B", "limits.connectsPerIpPerSecond", "1000",
                "auth.authTimeout", "10s"));
        host = hub.connect("cat-host");
        bystander = hub.connect("cat-bystander");
        room = io.hubbub.server.testing.Frames.room("catalog");
        privateRoom = room + "-private";
        host.ok("room:create", p("room", room, "name", "Catalog"));
        host.ok("room:create", p("room", privateRoom, "name", "Private", "visibility", "private"));
        bystander.ok("room:join", p("room", room));
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    /** One row of the catalog: what the offender does, the code it must get, and whether its connection stays usable. */
    record Case(String name, Consumer<NativeClient> act, String code) {}

    static List<Case> catalog() {
        List<Case> c = new ArrayList<>();
        // framing and JSON
        c.add(new Case("malformed JSON", o -> o.sendRaw("{\"type\":\"ping\",\"id\":"), "bad_request"));
        c.add(new Case("not JSON at all", o -> o.sendRaw("hello"), "bad_request"));
        c.add(new Case("JSON array instead of object", o -> o.sendRaw("[1,2,3]"), "bad_request"));
        c.add(new Case("JSON string instead of object", o -> o.sendRaw("\"ping\""), "bad_request"));
        c.add(new Case("JSON number instead of object", o -> o.sendRaw("42"), "bad_request"));
        c.add(new Case("empty text frame", o -> o.sendRaw(""), "bad_request"));
        c.add(new Case("trailing data after the object", o -> o.sendRaw("{\"type\":\"ping\",\"id\":1} {\"type\":\"ping\"}"), "bad_request"));
        c.add(new Case("duplicate keys", o -> o.sendRaw("{\"type\":\"ping\",\"type\":\"room:close\",\"id\":9}"), "bad_request"));
        c.add(new Case("binary frame", o -> o.sendBinary("{\"type\":\"ping\",\"id\":1}".getBytes()), "bad_request"));
        c.add(new Case("frame over server.maxFrameBytes", o -> o.sendRaw("{\"type\":\"message:send\",\"id\":1,\"payload\":{\"room\":\""
                + room + "\",\"data\":\"" + "x".repeat(MAX_FRAME * 2) + "\"}}"), "too_large"));
        // envelope fields
        c.add(new Case("missing type", o -> o.sendRaw("{\"id\":3,\"payload\":{}}"), "bad_request"));
        c.add(new Case("type not a string", o -> o.sendRaw("{\"type\":7,\"id\":3}"), "bad_request"));
        c.add(new Case("empty type", o -> o.sendRaw("{\"type\":\"\",\"id\":3}"), "bad_request"));
        c.add(new Case("type over 64 chars", o -> o.sendRaw("{\"type\":\"" + "t".repeat(65) + "\",\"id\":3}"), "bad_request"));
        c.add(new Case("id is a string", o -> o.sendRaw("{\"type\":\"ping\",\"id\":\"7\"}"), "bad_request"));
        c.add(new Case("id is negative", o -> o.sendRaw("{\"type\":\"ping\",\"id\":-1}"), "bad_request"));
        c.add(new Case("id is fractional", o -> o.sendRaw("{\"type\":\"ping\",\"id\":1.5}"), "bad_request"));
        c.add(new Case("id is too big for a long", o -> o.sendRaw("{\"type\":\"ping\",\"id\":99999999999999999999999}"), "bad_request"));
        c.add(new Case("payload is an array", o -> o.sendRaw("{\"type\":\"ping\",\"id\":4,\"payload\":[1]}"), "bad_request"));
        c.add(new Case("payload is a string", o -> o.sendRaw("{\"type\":\"room:join\",\"id\":4,\"payload\":\"lobby\"}"), "bad_request"));
        c.add(new Case("unknown event type", o -> o.send("room:explode", Json.object()), "unknown_event"));
        // payload fields
        c.add(new Case("room id of the wrong type", o -> o.send("room:join", p("room", 5)), "bad_request"));
        c.add(new Case("room id missing", o -> o.send("room:join", Json.object()), "bad_request"));
        c.add(new Case("room id with invalid characters", o -> o.send("room:join", p("room", "no spaces!")), "bad_request"));
        c.add(new Case("room id over 64 chars", o -> o.send("room:join", p("room", "r".repeat(65))), "bad_request"));
        c.add(new Case("since is not an object", o -> o.send("room:join", p("room", room + "-x", "since", "yesterday")), "bad_request"));
        c.add(new Case("message data missing", o -> o.send("message:send", p("room", room)), "bad_request"));
        c.add(new Case("excludeSelf not a boolean", o -> o.send("message:send", p("room", room, "data", 1, "excludeSelf", "yes")), "bad_request"));
        c.add(new Case("room:create without name", o -> o.send("room:create", p("room", room + "-new")), "bad_request"));
        c.add(new Case("room:create capacity negative", o -> o.send("room:create", p("name", "n", "capacity", -1)), "bad_request"));
        c.add(new Case("room:create unknown visibility", o -> o.send("room:create", p("name", "n", "visibility", "secret")), "bad_request"));
        c.add(new Case("room:create metadata over 4 KiB", o -> o.send("room:create", p("name", "n", "metadata", Map.of("m", "x".repeat(1500), "n", "y".repeat(1500), "o", "z".repeat(1500)))), "too_large"));
        c.add(new Case("room:history limit out of range", o -> o.send("room:history", p("room", room, "limit", 0)), "bad_request"));
        c.add(new Case("room:ephemeral event too long", o -> o.send("room:ephemeral", p("room", room, "event", "e".repeat(33), "data", 1)), "bad_request"));
        c.add(new Case("presence:set unknown status", o -> o.send("presence:set", p("status", "sleeping")), "bad_request"));
        c.add(new Case("presence:query users not an array", o -> o.send("presence:query", p("users", "u1")), "bad_request"));
        c.add(new Case("session:resume without token", o -> o.send("session:resume", Json.object()), "bad_request"));
        c.add(new Case("auth again", o -> o.send("auth", p("token", hub.token("someone-else"))), "conflict"));
        // not allowed
        c.add(new Case("message to a room not joined", o -> o.send("message:send", p("room", privateRoom, "data", 1)), "not_found"));
        c.add(new Case("join an unknown room", o -> o.send("room:join", p("room", "no-such-room")), "not_found"));
        c.add(new Case("join a room twice", o -> o.send("room:join", p("room", room)), "conflict"));
        c.add(new Case("non-host closes the room", o -> o.send("room:close", p("room", room)), "forbidden"));
        c.add(new Case("non-host updates the room", o -> o.send("room:update", p("room", room, "name", "Mine")), "forbidden"));
        c.add(new Case("non-host invites", o -> o.send("room:invite", p("room", room, "user", "friend")), "forbidden"));
        c.add(new Case("join a private room uninvited", o -> o.send("room:join", p("room", privateRoom)), "forbidden"));
        c.add(new Case("join with someone else's room token", o -> o.send("room:join", p("room", privateRoom, "token",
                hub.server().jwt().issueRoomToken(io.hubbub.core.auth.Principal.user("cat-other", "cat-other"), privateRoom, 0, null).token())), "forbidden"));
        c.add(new Case("subscribe to a private topic", o -> o.send("topic:subscribe", p("topic", "private.ops")), "forbidden"));
        c.add(new Case("history of a room not joined", o -> o.send("room:history", p("room", privateRoom)), "not_found"));
        // history bounds and idempotent sends (security review items 4 and 14)
        c.add(new Case("room:create historySize over the non-admin cap", o -> o.send("room:create", p("name", "n", "historySize", 10_000)), "bad_request"));
        c.add(new Case("message:send clientId not a string", o -> o.send("message:send", p("room", room, "data", 1, "clientId", 7)), "bad_request"));
        c.add(new Case("message:send clientId empty", o -> o.send("message:send", p("room", room, "data", 1, "clientId", "")), "bad_request"));
        c.add(new Case("message:send clientId over 64 chars", o -> o.send("message:send", p("room", room, "data", 1, "clientId", "c".repeat(65))), "bad_request"));
        c.add(new Case("message:send clientId with invalid characters", o -> o.send("message:send", p("room", room, "data", 1, "clientId", "a b")), "bad_request"));
        // --- ops / resource limits (security review items 5, 10, 15; focused tests: RoomCreationLimitsTest) ---
        c.add(new Case("room:create over limits.roomCreatesPerUserPerMinute (default 30)", o -> {
            for (int i = 0; i < 30; i++) o.ok("room:create", p("name", "burst " + i));
            o.send("room:create", p("name", "one too many"));
        }, "rate_limited"));
        // ---- security: room tokens (sec-auth) ----
        c.add(new Case("join with own room token minted before the room existed", o -> o.send("room:join", p("room", privateRoom,
                "token", ownRoomToken(privateRoom, io.hubbub.core.auth.Principal.NOT_YET_CREATED))), "forbidden"));
        c.add(new Case("join with own room token of an earlier room of that id", o -> o.send("room:join", p("room", privateRoom,
                "token", ownRoomToken(privateRoom, hub.server().node().rooms().local(privateRoom).orElseThrow().createdAt() - 1))), "forbidden"));
        return c;
    }

    /** A room token of the offender's own user ("cat-N", the last connected) bound to {@code roomCreatedAt}. */
    static String ownRoomToken(String roomId, long roomCreatedAt) {
        String me = "cat-" + users.get();
        return hub.server().jwt().issueRoomToken(io.hubbub.core.auth.Principal.user(me, me), roomId, roomCreatedAt, null).token();
    }

    @TestFactory
    Stream<DynamicTest> eachBadInputGetsItsDocumentedErrorAndHarmsNoOne() {
        return catalog().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            try (NativeClient o = hub.connect("cat-" + users.incrementAndGet())) {
                o.event("session:welcome");
                o.ok("room:join", p("room", room));
                c.act().accept(o);
                JsonNode err = o.take(f -> type(f).equals("error"));
                assertThat(err.path("payload").path("code").asText()).as(c.name() + ": " + err).isEqualTo(c.code());
                assertThat(err.path("payload").path("message").asText()).as("a message says why").isNotBlank();
                assertUsable(o);
                assertRoomStillWorks(o);
            }
        }));
    }

    @Test
    void unauthenticatedActionsAreRefusedButPingAndAuthStillWork() {
        try (NativeClient o = NativeClient.connect(hub.wsUrl())) {
            for (String t : List.of("room:join", "room:create", "message:send", "room:list", "presence:query", "session:resume")) {
                assertThat(o.error(t, p("room", room, "name", "x", "users", List.of("u"), "token", "t")).path("code").asText())
                        .as(t).isEqualTo("unauthorized");
            }
            assertThat(o.error("auth", p("token", "forged.jwt.token")).path("code").asText()).isEqualTo("unauthorized");
            assertUsable(o);
            o.ok("auth", p("token", hub.token("cat-late")));
            o.ok("room:join", p("room", room));
            assertRoomStillWorks(o);
        }
    }

    @Test
    void identityFieldsInPayloadsAreIgnored() {
        try (NativeClient o = hub.connect("cat-mallory")) {
            o.ok("room:join", p("room", room));
            o.sendRaw("{\"type\":\"message:send\",\"id\":1,\"from\":{\"id\":\"cat-host\"},\"user\":\"cat-host\",\"payload\":"
                    + "{\"room\":\"" + room + "\",\"data\":{\"text\":\"spoof\"},\"from\":{\"id\":\"cat-host\",\"name\":\"Host\"},"
                    + "\"user\":{\"id\":\"cat-host\"},\"userId\":\"cat-host\"}}");
            JsonNode m = bystander.take(f -> type(f).equals("message:new") && f.path("payload").path("data").path("text").asText().equals("spoof"))
                    .get("payload");
            assertThat(m.path("from").path("id").asText()).isEqualTo("cat-mallory");
            assertThat(m.path("from").path("name").asText()).isEqualTo("cat-mallory");

            o.ok("message:direct", p("to", "cat-bystander", "data", Map.of("x", 1), "from", Map.of("id", "cat-host")));
            assertThat(bystander.event("message:direct").path("from").path("id").asText()).isEqualTo("cat-mallory");

            o.ok("typing:start", p("room", room, "user", Map.of("id", "cat-host")));
            assertThat(bystander.event("typing:start").path("user").path("id").asText()).isEqualTo("cat-mallory");
            o.ok("room:ephemeral", p("room", room, "event", "cursor", "data", 1, "from", Map.of("id", "cat-host")));
            assertThat(bystander.event("room:ephemeral").path("from").path("id").asText()).isEqualTo("cat-mallory");
        }
    }

    @Test
    void aFrameFarOverTheWireLimitClosesWith1009AndOthersCarryOn() throws Exception {
        // The size is refused from the frame header: a raw client announces 200 KB and sends only the start.
        try (RawWebSocket raw = RawWebSocket.connect(hub.port(), "/ws?token=" + hub.token("cat-huge"), 0)) {
            assertThat(raw.status()).isEqualTo(101);
            byte[] header = {(byte) 0x81, (byte) (0x80 | 127), 0, 0, 0, 0, 0, 3, 0x0d, 0x40, 1, 2, 3, 4};
            raw.sendBytes(header);
            assertThat(raw.awaitClose(5000)).isEqualTo(1009);
        }
        // A real client that sends the whole frame gets the code too: the server keeps reading (and
        // discarding) until the client answers the close, so the client is not reset.
        NativeClient o = hub.connect("cat-huge2");
        o.ok("room:join", p("room", room));
        try {
            o.sendRaw("{\"type\":\"ping\",\"payload\":{\"x\":\"" + "x".repeat(200_000) + "\"}}");
        } catch (RuntimeException closedWhileSending) {
            // the server refuses the frame from its header and closes before reading it all
        }
        assertThat(o.awaitClose()).isEqualTo(1009);
        assertRoomStillWorks(null);
    }

    @Test
    void floodsAreRateLimitedThenClosedWith4029() throws Exception {
        try (TestHubbub small = TestHubbub.start(Map.of("limits.framesPerSecond", "5", "limits.frameBurst", "5",
                "limits.connectsPerIpPerSecond", "1000"))) {
            String r = io.hubbub.server.testing.Frames.room("flood");
            NativeClient h = small.connect("fl-host");
            NativeClient b = small.connect("fl-bystander");
            h.ok("room:create", p("room", r, "name", "Flood"));
            b.ok("room:join", p("room", r));
            try (NativeClient o = small.connect("fl-offender")) {
                o.event("session:welcome");
                // a short burst over the rate: the surplus is answered with rate_limited, each with its id
                List<Long> ids = new ArrayList<>();
                for (int i = 0; i < 12; i++) ids.add(o.send("ping", Json.object()));
                int limited = 0;
                for (long id : ids) {
                    JsonNode a = o.take(f -> f.path("id").asLong(-1) == id);
                    if (type(a).equals("error")) {
                        assertThat(a.path("payload").path("code").asText()).isEqualTo("rate_limited");
                        limited++;
                    }
                }
                assertThat(limited).isBetween(5, 7);
                Thread.sleep(1100); // the bucket refills
                assertUsable(o);

                // a sustained flood: the connection is closed with 4029
                for (int i = 0; i < 600 && !o.isClosed(); i++) {
                    try {
                        o.send("ping", Json.object());
                    } catch (RuntimeException closedMeanwhile) {
                        break;
                    }
                }
                assertThat(o.awaitClose()).isEqualTo(4029);
            }
            h.ok("message:send", p("room", r, "data", "after-flood"));
            assertThat(b.event("message:new").path("data").asText()).isEqualTo("after-flood");
            h.close();
            b.close();
        }
    }

    static void assertUsable(NativeClient o) {
        assertThat(o.ok("ping", Json.object()).path("ts").asLong()).isPositive();
    }

    /** The host publishes; the bystander (and the offender, if given and joined) receive it. */
    static void assertRoomStillWorks(NativeClient offender) {
        String mark = "mark-" + marks.incrementAndGet();
        host.ok("message:send", p("room", room, "data", mark));
        for (NativeClient c : offender == null ? List.of(bystander) : List.of(bystander, offender)) {
            c.take(f -> type(f).equals("message:new") && f.path("payload").path("data").asText().equals(mark));
        }
    }
}
