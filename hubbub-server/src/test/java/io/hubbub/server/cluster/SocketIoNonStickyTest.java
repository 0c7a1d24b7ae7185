package io.hubbub.server.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.protocol.Json;
import io.hubbub.server.protocol.socketio.hubbub.SocketIoNpmClientTest;
import io.hubbub.server.testing.ClusterFixture;
import io.hubbub.server.testing.NativeClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.hubbub.server.testing.ClusterFixture.payload;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The npm socket.io-client on long-polling only, through a round-robin balancer that sends each HTTP
 * request to the other of two real Hubbub nodes (separate JVMs, one Redis): half of the session's polls
 * reach the node that does not hold it and must be forwarded, not refused with "Session ID unknown".
 * Heartbeats every second make the session live through several held long-polls on both nodes. The
 * nodes share a SQLite file: nothing here needs PostgreSQL, and it starts faster on a busy machine.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class SocketIoNonStickyTest {

    @Test
    void pollingClientWorksBehindRoundRobinBalancing() throws Exception {
        assumeTrue(SocketIoNpmClientTest.commandWorks("node", "--version"), "node is not installed");
        SocketIoNpmClientTest.npmCi();
        try (ClusterFixture cluster = new ClusterFixture(2, Map.of("socketio.pingInterval", "1s", "socketio.pingTimeout", "2s"), true);
             RoundRobinBalancer lb = new RoundRobinBalancer(List.of(cluster.node("node-a").httpUrl(), cluster.node("node-b").httpUrl()))) {
            String room = "balanced-" + UUID.randomUUID().toString().substring(0, 8);
            ObjectNode params = Json.object().put("token", cluster.token("alice")).put("room", room).put("stayMs", 3500);
            Process node = new ProcessBuilder("node", "balanced.js", lb.url(), params.toString())
                    .directory(SocketIoNpmClientTest.JS.toFile()).redirectErrorStream(true).start();
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread.ofVirtual().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) lines.add(l);
                } catch (Exception e) {
                    lines.add("FAIL reading: " + e);
                }
                lines.add("EOF");
            });
            try {
                String joined = lines.poll(30, TimeUnit.SECONDS);
                assertThat(joined).as("script output; logs:\n%s", cluster.logs()).startsWith("JOINED ");
                String sid = joined.substring("JOINED ".length()).strip();
                String tag = sid.substring(0, Math.max(0, sid.indexOf('.')));
                String ownerId = tag.equals(ClusterService.sidTag("node-a")) ? "node-a"
                        : tag.equals(ClusterService.sidTag("node-b")) ? "node-b" : null;
                assertThat(ownerId).as("sid %s carries a node's tag", sid).isNotNull();
                String otherId = ownerId.equals("node-a") ? "node-b" : "node-a";

                // a native client on the node that does not hold the Socket.IO session
                try (NativeClient bob = cluster.connect(cluster.node(otherId), "bob")) {
                    bob.ok("room:join", payload("room", room));
                    bob.ok("message:send", payload("room", room, "data", payload("text", "from native")));
                    for (int n = 1; n <= 6; n++) {
                        int want = n;
                        JsonNode m = bob.take(f -> f.path("type").asText().equals("message:new")
                                && f.path("payload").path("data").path("n").asInt(-1) == want, 20_000);
                        assertThat(m.path("payload").path("from").path("id").asText()).isEqualTo("alice");
                    }
                }
                String result;
                do {
                    result = lines.poll(30, TimeUnit.SECONDS);
                } while (result != null && !result.startsWith("OK") && !result.startsWith("FAIL") && !result.equals("EOF"));
                assertThat(result).as("script result; logs:\n%s", cluster.logs()).startsWith("OK");

                int owner = ownerId.equals("node-a") ? 0 : 1;
                List<RoundRobinBalancer.Hop> session = lb.hops.stream().filter(h -> h.uri().contains("sid=" + sid)).toList();
                assertThat(lb.hops).as("no request refused").allMatch(h -> h.status() == 200, "status 200");
                List<RoundRobinBalancer.Hop> forwarded = session.stream().filter(h -> h.backend() != owner).toList();
                // polls and sends that reached the other node, held long-polls (heartbeats) included
                assertThat(forwarded.stream().filter(h -> h.method().equals("GET")).count()).isGreaterThanOrEqualTo(3);
                assertThat(forwarded.stream().filter(h -> h.method().equals("POST")).count()).isGreaterThanOrEqualTo(3);
                assertThat(session.stream().filter(h -> h.backend() == owner).count()).isGreaterThanOrEqualTo(3);
            } finally {
                node.destroyForcibly();
            }
        }
    }
}
