package io.hubbub.spaces;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.protocol.Json;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import io.socket.client.Ack;
import io.socket.client.IO;
import io.socket.client.Socket;
import org.json.JSONObject;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The behaviours beyond the seed's contract, over the wire on a real server: the Socket.IO flavour
 * (acks and pushes), the area of interest above a (small) threshold, movement batching at high move
 * rates, the proximity cap and the signal relay inside a group, and the movement rate limit. "Nothing
 * else arrived" is checked against a chat line sent afterwards (frames are ordered), never a timeout.
 */
class SpacesWireTest {

    static TestHubbub start(String... kv) {
        Map<String, String> o = new HashMap<>(SpacesContractTest.FAST);
        for (int i = 0; i < kv.length; i += 2) o.put("features.spaces." + kv[i], kv[i + 1]);
        return TestHubbub.start(o);
    }

    static String space(TestHubbub hub, String dimensions) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(hub.http("/api/v1/space")).header("Authorization", "Bearer " + hub.token("owner"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"s\",\"dimensions\":\"" + dimensions + "\"}")).build();
        HttpResponse<String> res = SpacesContractTest.HTTP.send(r, HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(res.body()).isEqualTo(200);
        return Json.MAPPER.readTree(res.body()).path("spaceId").asText();
    }

    static ObjectNode at(String space, int x, int y) {
        return Json.object().put("spaceId", space).put("x", x).put("y", y);
    }

    /** Walks a native member one tile at a time (x first, then y); every step must be accepted. */
    static int[] walk(NativeClient c, String space, int[] from, int x, int y) {
        int cx = from[0], cy = from[1];
        while (cx != x || cy != y) {
            if (cx != x) cx += Integer.signum(x - cx);
            else cy += Integer.signum(y - cy);
            JsonNode r = c.ok("space:move", at(space, cx, cy));
            assertThat(r.path("accepted").asBoolean()).as(r.toString()).isTrue();
        }
        return new int[] {cx, cy};
    }

    static int[] join(NativeClient c, String space) {
        JsonNode j = c.ok("space:join", Json.object().put("spaceId", space));
        return new int[] {j.at("/spawn/x").asInt(), j.at("/spawn/y").asInt()};
    }

    /** Sends a chat line from {@code from} and returns, per client, the frames that arrived before it. */
    static Map<NativeClient, List<JsonNode>> upTo(NativeClient from, String space, String marker, NativeClient... clients) {
        from.ok("space:chat", Json.object().put("spaceId", space).put("message", marker));
        Map<NativeClient, List<JsonNode>> before = new HashMap<>();
        for (NativeClient c : clients) {
            c.take(f -> f.path("type").asText().equals("space:message") && f.at("/payload/message").asText().equals(marker));
            before.put(c, c.pending());
            while (!c.pending().isEmpty()) c.next(); // the slate is clean for the next step
        }
        return before;
    }

    static Predicate<JsonNode> about(String type, String userId) {
        return f -> f.path("type").asText().equals(type) && (f.at("/payload/userId").asText().equals(userId)
                || f.at("/payload/moves").findValuesAsText("userId").contains(userId));
    }

    @Test
    void socketIoClientsJoinMoveAndChatWithAcks() throws Exception {
        try (TestHubbub hub = start(); NativeClient ann = hub.connect("ann")) {
            String space = space(hub, "5x1");
            int[] pa = join(ann, space);
            Socket sio = IO.socket(URI.create("http://127.0.0.1:" + hub.port()), IO.Options.builder().setForceNew(true)
                    .setReconnection(false).setAuth(Map.of("token", hub.token("cat"))).setTransports(new String[] {"websocket"}).build());
            LinkedBlockingQueue<String> pushes = new LinkedBlockingQueue<>();
            for (String e : List.of("space:user-joined", "space:moves", "space:message"))
                sio.on(e, a -> pushes.add(e + " " + a[0]));
            try {
                CompletableFuture<Object> welcome = new CompletableFuture<>();
                sio.once("session:welcome", a -> welcome.complete(a[0]));
                sio.connect();
                welcome.get(5, TimeUnit.SECONDS);
                JsonNode joined = emit(sio, "space:join", Json.object().put("spaceId", space));
                assertThat(joined.path("users")).as(joined.toString()).hasSize(1);
                assertThat(joined.at("/users/0/userId").asText()).isEqualTo("ann");
                assertThat(ann.event("space:user-joined").path("userId").asText()).isEqualTo("cat");
                int x = joined.at("/spawn/x").asInt(), to = x == 0 ? 1 : x - 1;
                JsonNode moved = emit(sio, "space:move", at(space, to, 0));
                assertThat(moved.path("accepted").asBoolean()).as(moved.toString()).isTrue();
                JsonNode seen = ann.event("space:moves").path("moves").get(0);
                assertThat(seen.path("userId").asText()).isEqualTo("cat");
                assertThat(seen.path("x").asInt()).isEqualTo(to);
                JsonNode refused = emit(sio, "space:move", at(space, to + 2, 0));
                assertThat(refused.path("accepted").asBoolean()).isFalse();
                assertThat(refused.path("reason").asText()).isEqualTo("not_adjacent");
                assertThat(refused.path("x").asInt()).isEqualTo(to);
                assertThat(emit(sio, "space:chat", Json.object().put("spaceId", space).put("message", "hello")).path("ts").asLong()).isPositive();
                assertThat(ann.event("space:message").path("userId").asText()).isEqualTo("cat");
                // cat's own pushes: ann's move, then its own chat line
                JsonNode annMove = ann.ok("space:move", at(space, pa[0] == 0 ? 1 : pa[0] - 1, 0));
                assertThat(annMove.path("accepted").asBoolean()).isTrue();
                String chat = pushes.poll(5, TimeUnit.SECONDS);
                while (chat != null && !chat.startsWith("space:message")) chat = pushes.poll(5, TimeUnit.SECONDS);
                assertThat(chat).as("the sender gets its own line").contains("\"hello\"");
                String mv = pushes.poll(5, TimeUnit.SECONDS);
                assertThat(mv).startsWith("space:moves").contains("\"ann\"");
                JsonNode err = emit(sio, "space:join", Json.object().put("spaceId", "nope"));
                assertThat(err.toString()).contains("conflict"); // already in a space: one at a time
            } finally {
                sio.close();
            }
        }
    }

    static JsonNode emit(Socket s, String event, ObjectNode payload) throws Exception {
        CompletableFuture<Object> answer = new CompletableFuture<>();
        s.emit(event, new Object[] {new JSONObject(payload.toString())}, (Ack) args -> answer.complete(args[0]));
        return Json.MAPPER.readTree(answer.get(5, TimeUnit.SECONDS).toString());
    }

    @Test
    void aboveTheThresholdMembersSeeOnlyTheirViewRadius() throws Exception {
        try (TestHubbub hub = start("aoiAbove", "2", "viewRadius", "2");
             NativeClient a = hub.connect("a"); NativeClient b = hub.connect("b"); NativeClient c = hub.connect("c")) {
            String space = space(hub, "30x1");
            walk(a, space, join(a, space), 0, 0);
            int[] pb = walk(b, space, join(b, space), 29, 0);
            int[] pc = walk(c, space, join(c, space), 15, 0); // the third member: the area of interest is on
            upTo(a, space, "setup", a, b, c);

            // b moves; a and b are 28 apart: each is told the other left its view, c (13 away) hears nothing
            pb = walk(b, space, pb, 28, 0);
            assertThat(a.take(about("space:user-left", "b")).at("/payload/reason").asText()).isEqualTo("view");
            assertThat(b.take(about("space:user-left", "a")).at("/payload/reason").asText()).isEqualTo("view");
            Map<NativeClient, List<JsonNode>> before = upTo(a, space, "m1", a, b, c);
            assertThat(before.get(c)).noneMatch(about("space:moves", "b")).noneMatch(about("space:user-joined", "b"));

            // c walks to 26: b enters its view, and c enters b's, with positions
            walk(c, space, pc, 26, 0);
            JsonNode cSeesB = c.take(about("space:user-joined", "b")).path("payload");
            assertThat(cSeesB.path("x").asInt()).isEqualTo(28);
            assertThat(cSeesB.path("reason").asText()).isEqualTo("view");
            assertThat(b.take(about("space:user-joined", "c")).at("/payload/x").asInt()).isBetween(26, 27);
            upTo(a, space, "m2", a, b, c);
            // b's next move reaches c, not a
            walk(b, space, pb, 27, 0);
            assertThat(c.take(about("space:moves", "b")).path("payload").path("moves").toString()).contains("\"x\":27");
            before = upTo(a, space, "m3", a, b, c);
            assertThat(before.get(a)).noneMatch(about("space:moves", "b"));

            // back at the threshold: everyone is told of those it did not know
            c.ok("space:leave", Json.object().put("spaceId", space));
            JsonNode aSeesB = a.take(about("space:user-joined", "b")).path("payload");
            assertThat(aSeesB.path("x").asInt()).isEqualTo(27);
            assertThat(b.take(about("space:user-left", "c")).at("/payload/reason").asText()).isEqualTo("leave");
            b.ok("space:move", at(space, 26, 0));
            assertThat(a.take(about("space:moves", "b")).path("payload").path("moves").toString()).contains("\"x\":26");
        }
    }

    @Test
    void atHighMoveRatesAReceiverGetsAtMostOneFramePerTick() throws Exception {
        try (TestHubbub hub = start("tickHz", "1"); NativeClient mover = hub.connect("mover"); NativeClient watcher = hub.connect("watcher")) {
            String space = space(hub, "40x1");
            join(watcher, space);
            int[] p = join(mover, space);
            NativeClient seed = SpacesContractTest.seed(hub, null);
            SpacesContractTest.join(seed, space, hub.token("seedling"));
            upTo(mover, space, "go", mover, watcher);
            int dir = p[0] < 20 ? 1 : -1, last = p[0] + 15 * dir;
            long t0 = System.nanoTime();
            walk(mover, space, p, last, 0); // 15 accepted moves, as fast as the acks come back
            int frames = 0;
            while (true) {
                JsonNode f = watcher.take(about("space:moves", "mover")).path("payload");
                frames++;
                if (f.path("moves").toString().contains("\"x\":" + last + ",")) break;
            }
            long ticks = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0) + 1; // tickHz = 1
            assertThat(frames).as("frames for 15 moves over " + ticks + " tick(s)").isLessThanOrEqualTo((int) ticks + 1).isLessThan(15);
            int seedFrames = 0;
            while (true) {
                JsonNode m = seed.event("movement");
                seedFrames++;
                if (m.path("x").asInt() == last) break;
            }
            assertThat(seedFrames).as("the seed client gets the latest position of each batch").isLessThan(15);
            seed.close();
        }
    }

    @Test
    void aFullProximityGroupIsNotJoinedAndSignalsStayInsideAGroup() throws Exception {
        try (TestHubbub hub = start("proximityDistance", "1", "proximityMaxGroup", "2");
             NativeClient a = hub.connect("a"); NativeClient b = hub.connect("b"); NativeClient c = hub.connect("c")) {
            String space = space(hub, "10x2");
            int[] pa = walk(a, space, join(a, space), 3, 0);
            int[] pb = walk(b, space, join(b, space), 4, 0);
            assertThat(a.event("proximity:enter").path("peers").toString()).isEqualTo("[\"b\"]");
            assertThat(b.event("proximity:enter").path("peers").toString()).isEqualTo("[\"a\"]");
            upTo(a, space, "pair", a, b);
            int[] pc = join(c, space);
            pc = walk(c, space, pc, pc[0], 1);
            pc = walk(c, space, pc, 5, 1);
            pc = walk(c, space, pc, 5, 0); // next to b, whose group is full
            Map<NativeClient, List<JsonNode>> before = upTo(a, space, "full", a, b, c);
            assertThat(before.get(c)).noneMatch(f -> f.path("type").asText().startsWith("proximity:"));
            assertThat(before.get(a)).noneMatch(f -> f.path("type").asText().startsWith("proximity:"));
            assertThat(before.get(b)).noneMatch(f -> f.path("type").asText().startsWith("proximity:"));

            ObjectNode sig = Json.object().put("spaceId", space).put("to", "b");
            sig.putObject("data").put("sdp", "offer");
            assertThat(c.error("space:signal", sig).path("code").asText()).isEqualTo("forbidden");
            a.ok("space:signal", sig);
            JsonNode got = b.event("space:signal");
            assertThat(got.path("from").asText()).isEqualTo("a");
            assertThat(got.at("/data/sdp").asText()).isEqualTo("offer");

            // a walks away: its group dissolves; c moves and forms a group with b
            walk(a, space, pa, 2, 0);
            a.event("proximity:leave");
            b.event("proximity:leave");
            walk(c, space, pc, 5, 1);
            assertThat(c.event("proximity:enter").path("peers").toString()).isEqualTo("[\"b\"]");
            assertThat(b.event("proximity:enter").path("peers").toString()).isEqualTo("[\"c\"]");
            c.ok("space:signal", sig);
            assertThat(b.event("space:signal").path("from").asText()).isEqualTo("c");
            assertThat(pb[0]).isEqualTo(4);
        }
    }

    private static JsonNode http(TestHubbub hub, String method, String path, String token, String body) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(hub.http("/api/v1" + path)).header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> res = SpacesContractTest.HTTP.send(r, HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as(method + " " + path + " " + res.body()).isEqualTo(200);
        return Json.MAPPER.readTree(res.body());
    }

    @Test
    void elementsPlacedWhileASpaceIsLiveTakeEffectAndDeletingItClosesIt() throws Exception {
        try (TestHubbub hub = start(); NativeClient a = hub.connect("a")) {
            String space = space(hub, "5x1");
            String owner = hub.token("owner");
            String box = http(hub, "POST", "/admin/element", hub.adminToken("boss"),
                    "{\"imageUrl\":\"https://img/b.png\",\"width\":1,\"height\":1,\"static\":true}").path("id").asText();
            int[] p = join(a, space);
            NativeClient seed = SpacesContractTest.seed(hub, null);
            SpacesContractTest.join(seed, space, hub.token("s"));
            int to = p[0] == 0 ? 1 : p[0] - 1;
            String placed = http(hub, "POST", "/space/element", owner,
                    "{\"elementId\":\"" + box + "\",\"spaceId\":\"" + space + "\",\"x\":" + to + ",\"y\":0}").path("id").asText();
            assertThat(a.event("space:elements").path("spaceId").asText()).as("members are told").isEqualTo(space);
            assertThat(a.ok("space:move", at(space, to, 0)).path("reason").asText()).isEqualTo("blocked");
            http(hub, "DELETE", "/space/element", owner, "{\"id\":\"" + placed + "\"}");
            a.event("space:elements");
            assertThat(a.ok("space:move", at(space, to, 0)).path("accepted").asBoolean()).isTrue();

            http(hub, "DELETE", "/space/" + space, owner, null);
            a.event("space:closed");
            seed.event("space-closed");
            assertThat(a.error("space:move", at(space, p[0], 0)).path("code").asText()).isEqualTo("bad_request");
            assertThat(a.error("space:join", Json.object().put("spaceId", space)).path("code").asText()).isEqualTo("not_found");
            seed.close();
        }
    }

    @Test
    void movesOverTheRateLimitAreRejectedWithTheCurrentPosition() throws Exception {
        try (TestHubbub hub = start("movesPerSecond", "1", "moveBurst", "2", "batchMovement", "false");
             NativeClient watcher = hub.connect("watcher"); NativeClient racer = hub.connect("racer")) {
            String space = space(hub, "10x1");
            join(watcher, space);
            NativeClient seed = SpacesContractTest.seed(hub, null);
            int x = SpacesContractTest.join(seed, space, hub.token("runner")).at("/spawn/x").asInt();
            int other = x == 0 ? 1 : x - 1;
            for (int i = 0; i < 8; i++) SpacesContractTest.move(seed, i % 2 == 0 ? other : x, 0);
            SpacesContractTest.send(seed, "chat-message", Json.object().put("message", "done"));
            int rejected = 0;
            while (true) {
                JsonNode f = seed.take(fr -> List.of("movement-rejected", "new-message").contains(fr.path("type").asText()));
                if (f.path("type").asText().equals("new-message")) break;
                rejected++;
                int rx = f.at("/payload/x").asInt();
                assertThat(rx).as("the current position").isIn(x, other);
            }
            assertThat(rejected).as("8 moves against a burst of 2 at 1/s").isGreaterThanOrEqualTo(4);
            watcher.take(f -> f.path("type").asText().equals("space:message"));
            long seen = watcher.pending().stream().filter(about("space:moves", "runner")).count();
            assertThat(seen).as("the others see the accepted moves only").isEqualTo(8 - rejected);
            seed.close();

            // the native flavour says why
            int[] p = join(racer, space);
            int to = p[0] == 0 ? 1 : p[0] - 1;
            String reason = "";
            for (int i = 0; i < 6 && reason.isEmpty(); i++)
                reason = racer.ok("space:move", at(space, i % 2 == 0 ? to : p[0], 0)).path("reason").asText();
            assertThat(reason).isEqualTo("rate_limited");
        }
    }
}
