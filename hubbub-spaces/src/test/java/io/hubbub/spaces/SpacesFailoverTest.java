package io.hubbub.spaces;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.protocol.Json;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.NodeProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.hubbub.server.testing.ClusterFixture.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * kill -9 of a space's owner in a cluster of three real nodes (separate JVMs) on one Redis and one
 * PostgreSQL. Seed-format WebSocket clients and a native client are in one space on its owner; the
 * owner dies; the clients find the new owner through {@code /api/route?room=sp:<id>} (and {@code moved}),
 * rejoin, are back at their last accepted positions, see each other, and the space's walls (read by
 * the new owner from the shared database) still hold. A move that was refused, or never reached the
 * server, never becomes anyone's position.
 */
@Timeout(value = 150, unit = TimeUnit.SECONDS)
class SpacesFailoverTest {

    /** A user of the seed's contract: its token and its last accepted position. */
    record User(String name, String token, String id) {}

    @Test
    void theNewOwnerRestoresEveryoneAtTheirLastAcceptedPositionWithinFiveSeconds() {
        try (SpaceCluster cluster = new SpaceCluster(3, Map.of("features.spaces.movesPerSecond", "1000",
                "features.spaces.moveBurst", "1000"))) {
            try {
                scenario(cluster);
            } catch (AssertionError | RuntimeException e) {
                System.err.println(cluster.logs());
                throw e;
            }
        }
    }

    private void scenario(SpaceCluster cluster) {
        NodeProcess entry = cluster.nodes.getFirst();
        User admin = user(entry, "boss", "admin");
        User ann = user(entry, "ann", "user"), bob = user(entry, "bob", "user"), cat = user(entry, "cat", "user");
        String wall = ok(entry, "POST", "/api/v1/admin/element", admin.token, "{\"imageUrl\":\"https://img/w.png\",\"width\":1,\"height\":20,\"static\":true}").path("id").asText();
        String boxElement = ok(entry, "POST", "/api/v1/admin/element", admin.token, "{\"imageUrl\":\"https://img/b.png\",\"width\":1,\"height\":1,\"static\":true}").path("id").asText();
        String space = ok(entry, "POST", "/api/v1/space", ann.token, "{\"name\":\"hall\",\"dimensions\":\"20x20\"}").path("spaceId").asText();
        // a wall along x = 10: nobody ever stands there
        ok(entry, "POST", "/api/v1/space/element", ann.token, "{\"elementId\":\"" + wall + "\",\"spaceId\":\"" + space + "\",\"x\":10,\"y\":0}");
        String room = SpaceRuntime.roomId(space);
        NodeProcess owner = cluster.node(entry.get("/api/route?room=" + room).body().path("node").asText());
        NodeProcess other = cluster.alive().stream().filter(n -> n != owner).findFirst().orElseThrow();

        // a seed client on the wrong node is told where the space lives
        try (NativeClient lost = NativeClient.connect(SpaceCluster.seedWs(other))) {
            SpacesContractTest.send(lost, "join", Json.object().put("spaceId", space).put("token", ann.token));
            JsonNode err = lost.event("error");
            assertThat(err.path("code").asText()).as(err.toString()).isEqualTo("moved");
            assertThat(err.at("/details/node").asText()).isEqualTo(owner.id);
        }

        NativeClient a = NativeClient.connect(SpaceCluster.seedWs(owner));
        NativeClient b = NativeClient.connect(SpaceCluster.seedWs(owner));
        NativeClient c = NativeClient.connect(owner.wsUrl() + "?token=" + cat.token);
        c.event("session:welcome");
        int[] pa = spawn(SpacesContractTest.join(a, space, ann.token));
        int[] pb = spawn(SpacesContractTest.join(b, space, bob.token));
        int[] pc = spawn(c.ok("space:join", Json.object().put("spaceId", space)));

        // ann and bob take a few steps each; a step is accepted when the other one sees it
        pa = walk(a, b, ann, pa, 3);
        pb = walk(b, a, bob, pb, 3);
        // cat's steps are acknowledged
        for (int i = 0; i < 3; i++) {
            int[] to = step(pc);
            JsonNode r = c.ok("space:move", Json.object().put("x", to[0]).put("y", to[1]));
            assertThat(r.path("accepted").asBoolean()).as(r.toString()).isTrue();
            pc = to;
        }
        // ... and persisted in the engine's room state (once per tick, asynchronously)
        int[] fa = pa, fb = pb, fc = pc;
        await(5_000, () -> {
            Map<String, int[]> st = SpaceRuntime.positions((ObjectNode) c.ok("state:get", Json.object().put("room", room)).path("state"));
            return same(st.get(ann.id), fa) && same(st.get(bob.id), fb) && same(st.get(cat.id), fc);
        }, "positions in the room state");

        // cat walks on without waiting for answers, with refused moves mixed in, and the owner dies meanwhile
        Set<List<Integer>> mayBe = new HashSet<>(List.of(List.of(pc[0], pc[1])));
        Set<List<Integer>> never = new HashSet<>();
        int[] cur = pc;
        for (int i = 0; i < 8; i++) {
            int[] to = step(cur);
            c.send("space:move", Json.object().put("x", to[0]).put("y", to[1]));
            mayBe.add(List.of(to[0], to[1]));
            cur = to;
            int[] jump = {cur[0] < 10 ? cur[0] + 3 : cur[0] - 3, cur[1]};
            never.add(List.of(jump[0], jump[1]));
            c.send("space:move", Json.object().put("x", jump[0]).put("y", jump[1]));
        }
        never.removeAll(mayBe);
        long killedAt = System.currentTimeMillis();
        owner.kill9();
        for (NativeClient x : List.of(a, b, c)) x.awaitClose();

        // everyone comes back through the route, like a client would
        List<NodeProcess> live = cluster.alive();
        Rejoined ra = rejoinSeed(live, room, space, ann, owner.id);
        Rejoined rb = rejoinSeed(live, room, space, bob, owner.id);
        Rejoined rc = rejoinNative(live, room, space, cat, owner.id);
        NativeClient a2 = ra.client, b2 = rb.client, c2 = rc.client;
        JsonNode aj = ra.joined, bj = rb.joined, cj = rc.joined;
        // each sees the others: in its join answer or as they arrive
        JsonNode annSeesBob = a2.event("user-joined");
        JsonNode annSeesCat = a2.event("user-joined");
        JsonNode bobSeesCat = b2.event("user-joined");
        long back = System.currentTimeMillis() - killedAt;
        System.out.println("spaces fail-over: kill -9 to everyone back and seeing each other: " + back + " ms");

        assertThat(spawn(aj)).as("ann back at her last accepted position").containsExactly(pa);
        assertThat(spawn(bj)).as("bob back at his last accepted position").containsExactly(pb);
        int[] catAt = spawn(cj);
        assertThat(mayBe).as("cat at a position that was accepted").contains(List.of(catAt[0], catAt[1]));
        assertThat(never).as("never at a refused target").doesNotContain(List.of(catAt[0], catAt[1]));
        assertThat(bj.path("users")).as("bob sees ann").anyMatch(u -> u.path("userId").asText().equals(ann.id)
                && u.path("x").asInt() == fa[0] && u.path("y").asInt() == fa[1]);
        assertThat(cj.path("users")).as("cat sees both").hasSize(2);
        assertThat(annSeesBob.path("userId").asText()).isEqualTo(bob.id);
        assertThat(annSeesCat.path("userId").asText()).isEqualTo(cat.id);
        assertThat(bobSeesCat.path("userId").asText()).isEqualTo(cat.id);
        assertThat(back).as("back within 5 s of the kill").isLessThan(5_000);

        // the space keeps working on its new owner, walls included (read from the shared database)
        int[] next = step(pa);
        SpacesContractTest.move(a2, next[0], next[1]);
        JsonNode seen = b2.event("movement");
        assertThat(seen.path("userId").asText()).isEqualTo(ann.id);
        assertThat(new int[] {seen.path("x").asInt(), seen.path("y").asInt()}).containsExactly(next);
        int[] toWall = catAt[0] == 9 ? new int[] {10, catAt[1]} : catAt[0] == 11 ? new int[] {10, catAt[1]} : null;
        if (toWall != null) {
            JsonNode r = c2.ok("space:move", Json.object().put("x", toWall[0]).put("y", toWall[1]));
            assertThat(r.path("reason").asText()).isEqualTo("blocked");
        }

        // changes made through another node reach the new owner: an element placed next to cat blocks it,
        // and deleting the space closes it for everyone
        String newOwner = cluster.alive().getFirst().get("/api/route?room=" + room).body().path("node").asText();
        NodeProcess via = cluster.alive().stream().filter(n -> !n.id.equals(newOwner)).findFirst().orElseThrow();
        int[] box = step(catAt);
        ok(via, "POST", "/api/v1/space/element", ann.token, "{\"elementId\":\"" + boxElement + "\",\"spaceId\":\"" + space
                + "\",\"x\":" + box[0] + ",\"y\":" + box[1] + "}");
        c2.event("space:elements");
        await(5_000, () -> {
            JsonNode r = c2.ok("space:move", Json.object().put("x", box[0]).put("y", box[1]));
            if (r.path("accepted").asBoolean()) c2.ok("space:move", Json.object().put("x", catAt[0]).put("y", catAt[1])); // not yet: back
            return r.path("reason").asText().equals("blocked");
        }, "the element placed through " + via.id + " to block moves on " + newOwner);
        ok(via, "DELETE", "/api/v1/space/" + space, ann.token, null);
        a2.event("space-closed");
        b2.event("space-closed");
        c2.event("space:closed");
        assertThat(c2.error("space:move", Json.object().put("x", catAt[0]).put("y", catAt[1])).path("code").asText()).isEqualTo("bad_request");
        for (NativeClient x : List.of(a2, b2, c2)) x.close();
    }

    /** A client back in the space, and its join answer. */
    record Rejoined(NativeClient client, JsonNode joined) {}

    /** Reconnects a seed client: asks a live node for the room's route, joins there, follows `moved`. */
    private static Rejoined rejoinSeed(List<NodeProcess> live, String room, String space, User u, String dead) {
        long until = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < until) {
            NodeProcess target = route(live, room, dead);
            if (target != null) {
                NativeClient x = NativeClient.connect(SpaceCluster.seedWs(target));
                SpacesContractTest.send(x, "join", Json.object().put("spaceId", space).put("token", u.token));
                JsonNode f = x.take(fr -> fr.path("type").asText().equals("space-joined") || fr.path("type").asText().equals("error"));
                if (f.path("type").asText().equals("space-joined")) return new Rejoined(x, f.path("payload"));
                x.close();
            }
            SpaceCluster.sleep(100);
        }
        throw new AssertionError(u.name + " could not rejoin within 20 s");
    }

    private static Rejoined rejoinNative(List<NodeProcess> live, String room, String space, User u, String dead) {
        long until = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < until) {
            NodeProcess target = route(live, room, dead);
            if (target != null) {
                NativeClient x = NativeClient.connect(target.wsUrl() + "?token=" + u.token);
                x.event("session:welcome");
                JsonNode f = x.request("space:join", Json.object().put("spaceId", space));
                if (f.path("type").asText().equals("reply")) return new Rejoined(x, f.path("payload"));
                x.close();
            }
            SpaceCluster.sleep(100);
        }
        throw new AssertionError(u.name + " could not rejoin within 20 s");
    }

    /** The live node owning the room, once the cluster stopped naming the dead one; null until then. */
    private static NodeProcess route(List<NodeProcess> live, String room, String dead) {
        for (NodeProcess n : live) {
            try {
                String owner = n.get("/api/route?room=" + room).body().path("node").asText();
                if (owner.equals(dead)) return null;
                return live.stream().filter(l -> l.id.equals(owner)).findFirst().orElse(null);
            } catch (RuntimeException e) {
                // try the next node
            }
        }
        return null;
    }

    /** {@code steps} steps of the seed client {@code mover}, each confirmed by {@code watcher}; the last position. */
    private static int[] walk(NativeClient mover, NativeClient watcher, User u, int[] from, int steps) {
        int[] p = from;
        for (int i = 0; i < steps; i++) {
            int[] to = step(p);
            SpacesContractTest.move(mover, to[0], to[1]);
            JsonNode m = watcher.take(f -> f.path("type").asText().equals("movement") && f.at("/payload/userId").asText().equals(u.id)).path("payload");
            assertThat(new int[] {m.path("x").asInt(), m.path("y").asInt()}).containsExactly(to);
            p = to;
        }
        return p;
    }

    /** One tile down, or up at the bottom edge (never across the wall at x = 10). */
    private static int[] step(int[] p) {
        return p[1] < 19 ? new int[] {p[0], p[1] + 1} : new int[] {p[0], p[1] - 1};
    }

    private static int[] spawn(JsonNode joined) {
        return new int[] {joined.at("/spawn/x").asInt(), joined.at("/spawn/y").asInt()};
    }

    private static boolean same(int[] a, int[] b) {
        return a != null && a[0] == b[0] && a[1] == b[1];
    }

    private static User user(NodeProcess n, String name, String type) {
        String u = name + System.nanoTime() % 1_000_000;
        String body = "{\"username\":\"" + u + "\",\"password\":\"secret-pass-1\"";
        String id = ok(n, "POST", "/api/v1/signup", null, body + ",\"type\":\"" + type + "\"}").path("userId").asText();
        return new User(u, ok(n, "POST", "/api/v1/signin", null, body + "}").path("token").asText(), id);
    }

    private static JsonNode ok(NodeProcess n, String method, String path, String token, String body) {
        NodeProcess.Response r = n.call(method, path, token, body);
        assertThat(r.status()).as(method + " " + path + " → " + r.body()).isEqualTo(200);
        return r.body();
    }
}
