package io.hubbub.server.cluster;

import io.hubbub.redis.RedisServers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.cluster.Rendezvous;
import io.hubbub.core.protocol.Json;
import io.hubbub.server.testing.ClusterFixture;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.NodeProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.hubbub.server.testing.ClusterFixture.await;
import static io.hubbub.server.testing.ClusterFixture.payload;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Three real Hubbub nodes (separate JVMs) on one real Redis and one PostgreSQL, on loopback. The
 * destructive scenarios (kill -9, drain, Redis restart) run last, in that order, each replacing what it
 * broke. Every wait is bounded.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterProcessTest {
    private ClusterFixture cluster;

    @BeforeAll
    void startCluster() {
        cluster = new ClusterFixture(3);
    }

    @AfterAll
    void stopCluster() {
        if (cluster != null) cluster.close();
    }

    private NodeProcess a() {
        return cluster.node("node-a");
    }

    private NodeProcess b() {
        return cluster.node("node-b");
    }

    private NodeProcess c() {
        return cluster.node("node-c");
    }

    private static void createRoom(NativeClient host, String room, boolean sticky) {
        host.ok("room:create", payload("room", room, "name", room, "persistent", true, "sticky", sticky));
    }

    @Test
    @Order(1)
    void everyNodeListsTheClusterAndRoutesRoomsTheSameWay() {
        List<String> ids = new ArrayList<>();
        for (JsonNode n : a().get("/api/cluster").body().path("nodes")) ids.add(n.path("id").asText());
        assertEquals(List.of("node-a", "node-b", "node-c"), ids);
        for (JsonNode n : b().get("/api/cluster").body().path("nodes")) {
            assertTrue(n.path("wsUrl").asText().matches("ws://127\\.0\\.0\\.1:\\d+/ws"), n.toString());
        }
        Set<String> owners = new HashSet<>();
        for (int i = 0; i < 30; i++) {
            String room = "route-" + i;
            JsonNode ra = cluster.route(a(), room);
            assertEquals(ra, cluster.route(b(), room));
            assertEquals(ra, cluster.route(c(), room));
            String expected = Rendezvous.owner(room, ids).orElseThrow();
            assertEquals(expected, ra.path("node").asText());
            assertEquals(cluster.node(expected).wsUrl(), ra.path("wsUrl").asText());
            owners.add(expected);
        }
        assertEquals(3, owners.size(), "30 rooms should spread over all three nodes");
        assertEquals(400, a().get("/api/route?room=").status());
    }

    @Test
    @Order(2)
    void roomBroadcastDirectMessagesAndPresenceCrossNodes() {
        try (NativeClient alice = cluster.connect(a(), "alice");
             NativeClient bob = cluster.connect(b(), "bob");
             NativeClient carol = cluster.connect(c(), "carol")) {
            createRoom(alice, "xnode", false);
            JsonNode bj = bob.ok("room:join", payload("room", "xnode"));
            assertEquals(2, bj.path("members").size(), "members across nodes: " + bj);
            assertEquals("bob", alice.event("presence:join").path("user").path("id").asText());
            carol.ok("room:join", payload("room", "xnode"));
            assertEquals("carol", alice.event("presence:join").path("user").path("id").asText());
            assertEquals("carol", bob.event("presence:join").path("user").path("id").asText());

            JsonNode sent = alice.ok("message:send", payload("room", "xnode", "data", Map.of("text", "hi all")));
            for (NativeClient r : List.of(alice, bob, carol)) {
                JsonNode m = r.event("message:new");
                assertEquals("hi all", m.path("data").path("text").asText());
                assertEquals(sent.path("offset").asLong(), m.path("offset").asLong());
                assertEquals("alice", m.path("from").path("id").asText());
            }

            bob.ok("message:direct", payload("to", "carol", "data", Map.of("secret", 42)));
            JsonNode d = carol.event("message:direct");
            assertEquals(42, d.path("data").path("secret").asInt());
            assertEquals("bob", d.path("from").path("id").asText());

            JsonNode q = alice.ok("presence:query", payload("users", List.of("bob", "carol", "nobody")));
            assertTrue(q.path("users").path("bob").path("online").asBoolean(), q.toString());
            assertTrue(q.path("users").path("carol").path("online").asBoolean(), q.toString());
            assertFalse(q.path("users").path("nobody").path("online").asBoolean(), q.toString());

            alice.ok("presence:subscribe", payload("users", List.of("carol")));
            carol.ok("room:leave", payload("room", "xnode"));
            assertEquals("carol", bob.event("presence:leave").path("user").path("id").asText());
            carol.close();
            JsonNode off = alice.event("presence:user");
            assertEquals("carol", off.path("user").asText());
            assertFalse(off.path("online").asBoolean());
        }
    }

    @Test
    @Order(3)
    void aClientResumesOnAnotherNodeWithExactlyTheMissedMessages() {
        try (NativeClient alice = cluster.connect(a(), "alice2")) {
            createRoom(alice, "resume-room", false);
            NativeClient bob = cluster.connect(b(), "bob2");
            JsonNode welcome = bob.ok("ping", Json.object()); // keeps the frame order simple
            assertTrue(welcome.has("ts"));
            String resumeToken = resumeToken(bob);
            JsonNode joined = bob.ok("room:join", payload("room", "resume-room"));
            alice.ok("message:send", payload("room", "resume-room", "data", Map.of("n", 0)));
            JsonNode first = bob.event("message:new");
            String epoch = first.path("epoch").asText();
            long seen = first.path("offset").asLong();
            assertFalse(joined.path("position").path("epoch").asText().isEmpty() && epoch.isEmpty());
            bob.abort(); // the connection drops without a goodbye

            List<Long> sent = new ArrayList<>();
            for (int i = 1; i <= 5; i++) {
                sent.add(alice.ok("message:send", payload("room", "resume-room", "data", Map.of("n", i))).path("offset").asLong());
            }
            // back on another node, with session:resume
            try (NativeClient bobAgain = cluster.connect(c(), "bob2")) {
                ObjectNode rooms = Json.object();
                rooms.putObject("resume-room").put("epoch", epoch).put("offset", seen);
                JsonNode r = bobAgain.ok("session:resume", payload("token", resumeToken, "rooms", rooms));
                assertTrue(r.path("resumed").asBoolean(), r.toString());
                assertTrue(r.path("rooms").path("resume-room").path("recovered").asBoolean(), r.toString());
                List<Long> got = new ArrayList<>();
                for (JsonNode f : bobAgain.pending()) {
                    if (f.path("type").asText().equals("message:new")) got.add(f.path("payload").path("offset").asLong());
                }
                assertEquals(sent, got, "exactly the missed messages, in order, before the reply");
                for (int i = 0; i < got.size(); i++) bobAgain.event("message:new"); // consume the replayed ones
                alice.ok("message:send", payload("room", "resume-room", "data", Map.of("n", 6)));
                assertEquals(6, bobAgain.event("message:new").path("data").path("n").asInt(), "live after resume");
            }
            // and with room:join since, on a third node
            try (NativeClient bobThird = cluster.connect(a(), "bob2")) {
                ObjectNode since = Json.object().put("epoch", epoch).put("offset", sent.get(2));
                JsonNode r = bobThird.ok("room:join", payload("room", "resume-room", "since", since));
                assertTrue(r.path("recovered").asBoolean(), r.toString());
                List<Long> got = new ArrayList<>();
                for (JsonNode f : bobThird.pending()) {
                    if (f.path("type").asText().equals("message:new")) got.add(f.path("payload").path("offset").asLong());
                }
                assertEquals(List.of(sent.get(3), sent.get(4), sent.get(4) + 1), got);
            }
        }
    }

    private String resumeToken(NativeClient c) {
        return cluster.welcome(c).path("resumeToken").asText();
    }

    @Test
    @Order(4)
    void stickyRoomsSendJoinsToTheirOwner() {
        String room = "sticky-1";
        String owner = cluster.route(a(), room).path("node").asText();
        NodeProcess other = cluster.alive().stream().filter(n -> !n.id.equals(owner)).findFirst().orElseThrow();
        try (NativeClient host = cluster.connect(cluster.node(owner), "sticky-host")) {
            createRoom(host, room, true);
            try (NativeClient guest = cluster.connect(other, "sticky-guest")) {
                JsonNode err = guest.error("room:join", payload("room", room));
                assertEquals("moved", err.path("code").asText(), err.toString());
                assertEquals(cluster.node(owner).wsUrl(), err.path("details").path("url").asText(), err.toString());
                assertEquals(owner, err.path("details").path("node").asText());
                try (NativeClient moved = cluster.connect(err.path("details").path("url").asText(), "sticky-guest")) {
                    moved.ok("room:join", payload("room", room));
                }
            }
        }
    }

    @Test
    @Order(6)
    void nonPersistentRoomsSpanNodesAndCloseEverywhere() {
        try (NativeClient alice = cluster.connect(a(), "e-alice");
             NativeClient bob = cluster.connect(b(), "e-bob");
             NativeClient carol = cluster.connect(c(), "e-carol")) {
            alice.ok("room:create", payload("room", "ephemeral-x", "name", "eph"));
            JsonNode joined = bob.ok("room:join", payload("room", "ephemeral-x"));
            assertEquals("eph", joined.path("room").path("name").asText(), joined.toString());
            assertEquals("conflict", carol.error("room:create", payload("room", "ephemeral-x", "name", "dup")).path("code").asText(),
                    "an id taken on another node is a conflict");
            carol.ok("room:join", payload("room", "ephemeral-x"));
            bob.ok("message:send", payload("room", "ephemeral-x", "data", Map.of("from", "b")));
            assertEquals("b", alice.event("message:new").path("data").path("from").asText());
            assertEquals("b", carol.event("message:new").path("data").path("from").asText());

            alice.ok("room:update", payload("room", "ephemeral-x", "name", "renamed"));
            assertEquals("renamed", bob.event("room:updated").path("room").path("name").asText());
            carol.event("room:updated"); // node c applied it before fanning it out
            assertEquals("renamed", carol.ok("room:get", payload("room", "ephemeral-x")).path("name").asText(),
                    "other nodes take the new settings");

            alice.ok("room:close", payload("room", "ephemeral-x", "reason", "done"));
            assertEquals("done", bob.event("room:closed").path("reason").asText());
            assertEquals("done", carol.event("room:closed").path("reason").asText());
            await(5_000, () -> bob.request("message:send", payload("room", "ephemeral-x", "data", Map.of("n", 1)))
                    .path("payload").path("code").asText().equals("not_found"), "bob removed from the closed room on node b");
            assertEquals("not_found", carol.error("room:join", payload("room", "ephemeral-x")).path("code").asText());
            assertEquals("not_found", bob.error("room:get", payload("room", "ephemeral-x")).path("code").asText());
        }
    }

    @Test
    @Order(7)
    void roomStateSurvivesTheNodeThatServedTheRoom() {
        String room = "state-room";
        NodeProcess served = cluster.node(cluster.route(a(), room).path("node").asText());
        List<NodeProcess> others = cluster.alive().stream().filter(n -> n != served).toList();
        try {
            NativeClient host = cluster.connect(served, "s-host");
            try (NativeClient bob = cluster.connect(others.get(0), "s-bob")) {
                host.ok("room:create", payload("room", room, "name", "stateful"));
                bob.ok("room:join", payload("room", room));
                host.ok("state:set", payload("room", room, "key", "pos:s-host", "value", Map.of("x", 7)));
                assertEquals(7, bob.event("state:changed").path("value").path("x").asInt());
                assertEquals("forbidden", bob.error("state:set", payload("room", room, "key", "k", "value", 1)).path("code").asText());
                served.kill9();
                host.awaitClose();
                JsonNode st = bob.ok("state:get", payload("room", room));
                assertEquals(7, st.path("state").path("pos:s-host").path("x").asInt(), st.toString());
                // the room itself outlives its node too: a newcomer on the third node finds it and its state
                try (NativeClient carol = cluster.connect(others.get(1), "s-carol")) {
                    carol.ok("room:join", payload("room", room));
                    assertEquals(7, carol.ok("state:get", payload("room", room, "key", "pos:s-host")).path("value").path("x").asInt());
                }
            }
        } finally {
            cluster.restart(served.id);
            cluster.awaitNodes(3);
        }
    }

    private io.hubbub.client.HubbubClient javaClient(NodeProcess node, String user) throws Exception {
        io.hubbub.client.HubbubClient c = io.hubbub.client.HubbubClient.builder(node.wsUrl())
                .tokenSupplier(() -> cluster.token(user)).build();
        c.connect().get(10, TimeUnit.SECONDS);
        return c;
    }

    @Test
    @Order(8)
    void theJavaClientFollowsMovedToTheOwnerOfAStickyRoom() throws Exception {
        String room = "sticky-java";
        String owner = cluster.route(a(), room).path("node").asText();
        NodeProcess wrong = cluster.alive().stream().filter(n -> !n.id.equals(owner)).findFirst().orElseThrow();
        try (NativeClient host = cluster.connect(cluster.node(owner), "sj-host");
             io.hubbub.client.HubbubClient client = javaClient(wrong, "sj-guest")) {
            createRoom(host, room, true);
            assertEquals(wrong.id, client.welcome().node());
            client.subscribeTopic("sj-topic").get(10, TimeUnit.SECONDS);
            JsonNode joined = client.join(room).get(30, TimeUnit.SECONDS);
            assertEquals(room, joined.path("room").path("id").asText(), joined.toString());
            assertEquals(owner, client.welcome().node(), "the client ended up on the owner");
            assertEquals(cluster.node(owner).wsUrl(), client.currentServer().toString());
            assertTrue(client.topics().contains("sj-topic"), "the session moved with its topics");
            java.util.concurrent.CompletableFuture<JsonNode> got = new java.util.concurrent.CompletableFuture<>();
            client.on("message:new", got::complete);
            host.ok("message:send", payload("room", room, "data", Map.of("hello", "moved")));
            assertEquals("moved", got.get(10, TimeUnit.SECONDS).path("data").path("hello").asText());
        }
    }

    @Test
    @Order(9)
    void theJavaClientFollowsADrainToTheNodeItNames() throws Exception {
        NodeProcess draining = cluster.alive().get(2);
        NodeProcess stays = cluster.alive().get(0);
        try (NativeClient host = cluster.connect(stays, "jd-host");
             io.hubbub.client.HubbubClient client = javaClient(draining, "jd-user")) {
            createRoom(host, "java-drain", false);
            client.join("java-drain").get(10, TimeUnit.SECONDS);
            java.util.concurrent.CompletableFuture<JsonNode> bye = new java.util.concurrent.CompletableFuture<>();
            client.on("server:shutdown", bye::complete);
            java.util.concurrent.CompletableFuture<Boolean> recovered = new java.util.concurrent.CompletableFuture<>();
            client.onRecovery((r, ok) -> {
                if (r.equals("java-drain")) recovered.complete(ok);
            });
            draining.terminate();
            String url = bye.get(10, TimeUnit.SECONDS).path("url").asText();
            assertTrue(recovered.get(20, TimeUnit.SECONDS), "the session was resumed with its room");
            assertEquals(url, client.currentServer().toString(), "reconnected where the server said");
            assertNotEquals(draining.id, client.welcome().node());
            java.util.concurrent.CompletableFuture<JsonNode> got = new java.util.concurrent.CompletableFuture<>();
            client.on("message:new", got::complete);
            host.ok("message:send", payload("room", "java-drain", "data", Map.of("after", "drain")));
            assertEquals("drain", got.get(10, TimeUnit.SECONDS).path("data").path("after").asText());
        } finally {
            assertTrue(draining.waitExit(15), "the drained node exits");
            cluster.restart(draining.id);
            cluster.awaitNodes(3);
        }
    }

    /** One receiver on the node that will die: what it saw, and how to resume it. */
    private final class Receiver {
        final String user;
        NativeClient client;
        final String token;
        final Set<Long> offsets = ConcurrentHashMap.newKeySet();
        String epoch;
        long last = -1;

        Receiver(NodeProcess node, String user, String room) {
            this.user = user;
            this.client = cluster.connect(node, user);
            this.token = cluster.welcome(client).path("resumeToken").asText();
            client.ok("room:join", payload("room", room));
        }

        void absorb(JsonNode frame) {
            if (!frame.path("type").asText().equals("message:new")) return;
            JsonNode p = frame.path("payload");
            offsets.add(p.path("offset").asLong());
            epoch = p.path("epoch").asText();
            last = Math.max(last, p.path("offset").asLong());
        }
    }

    @Test
    @Order(10)
    void killingTheNodeServingARoomUnderTrafficLosesNoAcknowledgedMessage() throws Exception {
        String room = "kill-room";
        NodeProcess owner = cluster.node(cluster.route(cluster.alive().getFirst(), room).path("node").asText());
        try {
            killOwnerUnderTraffic(room, owner);
        } finally {
            cluster.restart(owner.id);
            cluster.awaitNodes(3);
        }
    }

    private void killOwnerUnderTraffic(String room, NodeProcess owner) throws Exception {
        List<NodeProcess> others = cluster.alive().stream().filter(n -> n != owner).toList();
        NodeProcess pubNode = others.get(0);
        NodeProcess watchNode = others.get(1);
        try (NativeClient publisher = cluster.connect(pubNode, "k-pub");
             NativeClient watcher = cluster.connect(watchNode, "k-watch")) {
            // history large enough for everything published while receivers are away (~100 messages/s for a few s)
            publisher.ok("room:create", payload("room", room, "name", room, "persistent", true, "historySize", 5000));
            watcher.ok("room:join", payload("room", room));
            List<Receiver> receivers = List.of(new Receiver(owner, "k-r1", room), new Receiver(owner, "k-r2", room));
            NativeClient ghost = cluster.connect(owner, "k-ghost"); // never comes back
            ghost.ok("room:join", payload("room", room));
            watcher.ok("presence:subscribe", payload("users", List.of("k-ghost")));

            List<Long> acked = new java.util.concurrent.CopyOnWriteArrayList<>();
            AtomicBoolean stop = new AtomicBoolean();
            Thread traffic = Thread.ofPlatform().name("publisher").start(() -> {
                for (int i = 0; i < 2000 && !stop.get(); i++) {
                    JsonNode f = publisher.request("message:send", payload("room", room, "data", Map.of("n", i)));
                    if (f.path("type").asText().equals("reply")) acked.add(f.path("payload").path("offset").asLong());
                    try {
                        Thread.sleep(10);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
            await(15_000, () -> acked.size() >= 30, "30 acknowledged messages before the kill");
            long killedAt = System.currentTimeMillis();
            owner.kill9();

            for (Receiver r : receivers) {
                r.client.awaitClose();
                for (JsonNode f : r.client.pending()) r.absorb(f);
                assertTrue(r.last >= 0, r.user + " saw nothing before the kill");
            }
            // reconnect like a client: ask any live node where the room lives, retry with backoff until it answers
            for (Receiver r : receivers) {
                long until = System.currentTimeMillis() + 20_000;
                NativeClient again = null;
                while (again == null && System.currentTimeMillis() < until) {
                    try {
                        again = cluster.connect(cluster.route(pubNode, room).path("wsUrl").asText(), r.user);
                    } catch (RuntimeException | AssertionError e) {
                        Thread.sleep(200 + (long) (Math.random() * 200));
                    }
                }
                assertTrue(again != null, r.user + " could not reconnect within 20 s");
                ObjectNode rooms = Json.object();
                rooms.putObject(room).put("epoch", r.epoch).put("offset", r.last);
                JsonNode res = again.ok("session:resume", payload("token", r.token, "rooms", rooms));
                assertTrue(res.path("resumed").asBoolean(), res.toString());
                assertTrue(res.path("rooms").path(room).path("recovered").asBoolean(), res.toString());
                r.client = again;
            }
            long resumedAt = System.currentTimeMillis();
            System.out.println("kill -9 to all receivers resumed: " + (resumedAt - killedAt) + " ms");
            Thread.sleep(1000); // traffic continues on the new owner
            stop.set(true);
            traffic.join(10_000);
            assertTrue(acked.size() > 40, "publishing continued after the kill: " + acked.size());

            for (Receiver r : receivers) {
                long until = System.currentTimeMillis() + 10_000;
                while (!r.offsets.containsAll(acked) && System.currentTimeMillis() < until) {
                    try {
                        r.absorb(r.client.take(f -> f.path("type").asText().equals("message:new"), 500));
                    } catch (AssertionError quiet) {
                        // nothing new yet
                    }
                }
                Set<Long> missing = new java.util.TreeSet<>(acked);
                missing.removeAll(r.offsets);
                assertTrue(missing.isEmpty(), r.user + " lost acknowledged messages " + missing);
                r.client.close();
            }
            // the member that never came back disappears from presence, and the others are told
            JsonNode leave = watcher.take(f -> f.path("type").asText().equals("presence:leave")
                    && f.path("payload").path("user").path("id").asText().equals("k-ghost"), 15_000);
            assertEquals(room, leave.path("payload").path("room").asText());
            JsonNode offline = watcher.take(f -> f.path("type").asText().equals("presence:user")
                    && f.path("payload").path("user").asText().equals("k-ghost"), 15_000);
            assertFalse(offline.path("payload").path("online").asBoolean(), offline.toString());
            assertTrue(System.currentTimeMillis() - killedAt < 20_000);
            JsonNode members = watcher.ok("room:members", payload("room", room)).path("members");
            for (JsonNode m : members) assertNotEquals("k-ghost", m.path("id").asText(), members.toString());
        }
    }

    @Test
    @Order(11)
    void aDrainingNodeDeregistersTellsClientsWhereToGoAndExits() {
        NodeProcess draining = cluster.alive().get(0);
        NodeProcess stays = cluster.alive().get(1);
        try {
            drain(draining, stays);
        } finally {
            cluster.restart(draining.id);
            cluster.awaitNodes(3);
        }
    }

    private void drain(NodeProcess draining, NodeProcess stays) {
        try (NativeClient host = cluster.connect(stays, "d-host")) {
            createRoom(host, "drain-room", false);
            NativeClient user = cluster.connect(draining, "d-user");
            String token = cluster.welcome(user).path("resumeToken").asText();
            user.ok("room:join", payload("room", "drain-room"));
            draining.terminate();
            JsonNode bye = user.event("server:shutdown");
            assertEquals(200, bye.path("reconnectAfterMs").asLong());
            String url = bye.path("url").asText();
            assertTrue(cluster.alive().stream().anyMatch(n -> n != draining && n.wsUrl().equals(url)), "url of another node: " + bye);
            assertEquals(1001, user.awaitClose());
            assertTrue(draining.waitExit(15), "the drained node exits");
            JsonNode nodes = stays.get("/api/cluster").body().path("nodes");
            for (JsonNode n : nodes) assertNotEquals(draining.id, n.path("id").asText(), nodes.toString());

            try (NativeClient moved = cluster.connect(url, "d-user")) {
                JsonNode r = moved.ok("session:resume", payload("token", token));
                assertTrue(r.path("resumed").asBoolean(), r.toString());
                assertTrue(r.path("rooms").has("drain-room"), r.toString());
                host.ok("message:send", payload("room", "drain-room", "data", Map.of("after", "drain")));
                assertEquals("drain", moved.event("message:new").path("data").path("after").asText());
            }
        }
    }

    @Test
    @Order(12)
    void whileRedisIsDownNodesStayUpAndRefusePublishingThenRecover() {
        NodeProcess x = cluster.alive().get(0);
        NodeProcess y = cluster.alive().get(1);
        try (NativeClient alice = cluster.connect(x, "r-alice"); NativeClient bob = cluster.connect(y, "r-bob")) {
            createRoom(alice, "redis-room", false);
            bob.ok("room:join", payload("room", "redis-room"));
            cluster.redis.stop();
            await(10_000, () -> x.get("/ready").status() == 503, "/ready to turn false");
            JsonNode err = alice.error("message:send", payload("room", "redis-room", "data", Map.of("n", 1)));
            assertEquals("unavailable", err.path("code").asText(), err.toString());
            assertTrue(alice.ok("ping", Json.object()).has("ts"), "connections keep being served");
            assertFalse(alice.isClosed() || bob.isClosed());

            cluster.redis.start();
            for (NodeProcess n : cluster.alive()) await(30_000, () -> n.get("/ready").status() == 200, n.id + " ready again");
            cluster.awaitNodes(3);
            // subscriptions come back by themselves: a message from x reaches bob on y
            boolean delivered = false;
            for (int i = 0; i < 20 && !delivered; i++) {
                JsonNode f = alice.request("message:send", payload("room", "redis-room", "data", Map.of("n", 100 + i)));
                if (f.path("type").asText().equals("reply")) {
                    delivered = bob.sees(m -> m.path("type").asText().equals("message:new"), 1000);
                }
            }
            assertTrue(delivered, "cross-node delivery after the Redis restart");
        }
    }

    @Test
    @Order(5)
    void theDocumentedNginxConfigSendsEveryConnectionOfARoomToOneNode() throws Exception {
        java.nio.file.Path nginx = java.nio.file.Path.of("/usr/sbin/nginx");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isExecutable(nginx), "nginx is not installed");
        java.nio.file.Path doc = java.nio.file.Path.of("..", "docs", "nginx-hubbub.conf");
        String conf = java.nio.file.Files.readString(doc);
        List<NodeProcess> nodes = cluster.alive();
        for (int i = 0; i < 3; i++) conf = conf.replace("127.0.0.1:700" + (i + 1), "127.0.0.1:" + nodes.get(i).port());
        int port = RedisServers.freePort();
        conf = conf.replace("listen 8080;", "listen 127.0.0.1:" + port + ";");
        java.nio.file.Path prefix = java.nio.file.Files.createTempDirectory("hubbub-nginx");
        java.nio.file.Files.createDirectories(prefix.resolve("logs"));
        java.nio.file.Files.writeString(prefix.resolve("hubbub.conf"), conf);
        java.nio.file.Files.writeString(prefix.resolve("nginx.conf"), "pid " + prefix.resolve("nginx.pid") + ";\n"
                + "error_log " + prefix.resolve("logs/error.log") + " warn;\n"
                + "events { worker_connections 256; }\n"
                + "http { access_log off; include " + prefix.resolve("hubbub.conf") + "; }\n");
        Process proc = new ProcessBuilder(nginx.toString(), "-p", prefix.toString(), "-c", prefix.resolve("nginx.conf").toString(),
                "-g", "daemon off; master_process off;").redirectErrorStream(true)
                .redirectOutput(prefix.resolve("logs/stdout.log").toFile()).start();
        try {
            await(10_000, () -> {
                try (java.net.Socket sock = new java.net.Socket("127.0.0.1", port)) {
                    return true;
                } catch (java.io.IOException e) {
                    return false;
                }
            }, "nginx to listen");
            String base = "ws://127.0.0.1:" + port + "/ws";
            Set<String> used = new HashSet<>();
            for (int r = 0; r < 12; r++) {
                String room = "nginx-room-" + r;
                Set<String> servedBy = new HashSet<>();
                for (int k = 0; k < 3; k++) {
                    NativeClient c = NativeClient.connect(base + "?room=" + room + "&token=" + cluster.token("ng-" + k));
                    servedBy.add(c.event("session:welcome").path("node").asText());
                    c.close();
                }
                assertEquals(1, servedBy.size(), "all connections of " + room + " on one node: " + servedBy);
                used.addAll(servedBy);
            }
            assertTrue(used.size() >= 2, "rooms spread over the nodes: " + used);
        } finally {
            proc.destroy();
            proc.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
