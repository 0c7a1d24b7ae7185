package io.hubbub.server.testing;

import io.hubbub.redis.RedisServers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.auth.Principal;
import io.hubbub.core.protocol.Json;
import io.hubbub.server.auth.JwtService;
import io.hubbub.store.EmbeddedPostgresHolder;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A real cluster for tests: one redis-server, one embedded PostgreSQL shared by every node (persistent
 * rooms created on one node are found by the others), and Hubbub nodes as separate JVMs with a short node
 * TTL (3 s) so failures are detected quickly. Tokens are minted with the shared JWT secret. Part of the
 * server's test kit (published as its test-jar): the nodes run on the calling module's test classpath.
 */
public final class ClusterFixture implements AutoCloseable {
    public static final String SECRET = "cluster-test-secret-0123456789-abcdefghijklmnop";
    public static final String API_KEY = "cluster-test-api-key-0123456789";

    public final RedisServers.Server redis;
    public final String jdbcUrl;
    public final List<NodeProcess> nodes = new ArrayList<>();
    private final Map<NativeClient, JsonNode> welcomes = new java.util.concurrent.ConcurrentHashMap<>();
    private final JwtService jwt = new JwtService(SECRET.getBytes(StandardCharsets.UTF_8));

    private final Map<String, String> overrides;

    public ClusterFixture(int n) {
        this(n, Map.of());
    }

    /** {@code overrides} replace the test settings of every node (e.g. {@code engine.nodeTtl} back to its default). */
    public ClusterFixture(int n, Map<String, String> overrides) {
        this(n, overrides, Boolean.getBoolean("hubbub.test.cluster.sqlite"));
    }

    /** @param sqlite all nodes share one SQLite file (WAL) instead of PostgreSQL (also -Dhubbub.test.cluster.sqlite=true) */
    public ClusterFixture(int n, Map<String, String> overrides, boolean sqlite) {
        this.overrides = Map.copyOf(overrides);
        this.redis = RedisServers.single();
        this.jdbcUrl = sqlite ? sqliteUrl() : EmbeddedPostgresHolder.freshDatabaseUrl();
        for (int i = 0; i < n; i++) nodes.add(startNode("node-" + (char) ('a' + i)));
        awaitNodes(n);
    }

    private static String sqliteUrl() {
        try {
            return "jdbc:sqlite:" + java.nio.file.Files.createTempDirectory("hubbub-cluster-db").resolve("hubbub.db");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * What every node of a test cluster needs: the Redis engine with a 3 s node TTL, the shared JWT secret and
     * the shared database (PostgreSQL as user postgres, or a SQLite file).
     */
    public static Map<String, String> clusterSettings(String redisUri, String jdbcUrl, String jwtSecret) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("engine.type", "redis");
        s.put("engine.redis.uri", redisUri);
        s.put("engine.nodeTtl", "3s");
        s.put("auth.jwtSecret", jwtSecret);
        s.put("storage.jdbcUrl", jdbcUrl);
        if (jdbcUrl.startsWith("jdbc:postgresql:")) s.put("storage.user", "postgres");
        return s;
    }

    public Map<String, String> settings() {
        Map<String, String> s = clusterSettings(redis.uri(), jdbcUrl, SECRET);
        s.put("auth.apiKeys.test", API_KEY);
        s.put("shutdown.drainTimeout", "5s");
        s.put("shutdown.reconnectDelay", "200ms");
        s.put("history.maxUserHistorySize", "10000"); // the kill-under-traffic test asks for a deep history
        s.putAll(overrides);
        return s;
    }

    public NodeProcess startNode(String id) {
        NodeProcess p = NodeProcess.start(id, settings());
        return p;
    }

    /** Starts a node again under the same id (after it was killed or drained) and waits until all see it. */
    public NodeProcess restart(String id) {
        NodeProcess old = node(id);
        old.close();
        old.deleteFiles();
        NodeProcess fresh = startNode(id);
        nodes.set(nodes.indexOf(old), fresh);
        return fresh;
    }

    public NodeProcess node(String id) {
        return nodes.stream().filter(n -> n.id.equals(id)).findFirst().orElseThrow();
    }

    public List<NodeProcess> alive() {
        return nodes.stream().filter(NodeProcess::alive).toList();
    }

    /** Waits until every live node lists exactly {@code n} live nodes. */
    public void awaitNodes(int n) {
        await(30_000, () -> alive().stream().allMatch(p -> {
            NodeProcess.Response r = p.get("/api/cluster");
            return r.status() == 200 && r.body().path("nodes").size() == n;
        }), "every node to see " + n + " nodes");
    }

    public String token(String user) {
        return jwt.issue(Principal.user(user, user)).token();
    }

    /** A connected, authenticated client (after session:welcome). */
    public NativeClient connect(NodeProcess node, String user) {
        return connect(node.wsUrl(), user);
    }

    public NativeClient connect(String wsUrl, String user) {
        NativeClient c = NativeClient.connect(wsUrl + "?token=" + token(user));
        welcomes.put(c, c.event("session:welcome"));
        return c;
    }

    /** The session:welcome payload a client got. */
    public JsonNode welcome(NativeClient c) {
        return welcomes.get(c);
    }

    /** The route of a room as answered by a node. */
    public JsonNode route(NodeProcess via, String room) {
        NodeProcess.Response r = via.get("/api/route?room=" + room);
        if (r.status() != 200) throw new AssertionError("route failed: " + r);
        return r.body();
    }

    public static ObjectNode payload(Object... kv) {
        ObjectNode o = Json.object();
        for (int i = 0; i < kv.length; i += 2) o.set((String) kv[i], Json.MAPPER.valueToTree(kv[i + 1]));
        return o;
    }

    public static void await(long millis, BooleanSupplier condition, String what) {
        long until = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < until) {
            try {
                if (condition.getAsBoolean()) return;
            } catch (RuntimeException e) {
                // not yet (e.g. a node is still starting)
            }
            try {
                TimeUnit.MILLISECONDS.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("timed out after " + millis + " ms waiting for " + what);
    }

    public String logs() {
        StringBuilder b = new StringBuilder();
        for (NodeProcess n : nodes) b.append("==== ").append(n.id).append('\n').append(n.output()).append('\n');
        return b.toString();
    }

    @Override
    public void close() {
        nodes.forEach(NodeProcess::close);
        nodes.forEach(NodeProcess::deleteFiles);
        redis.close();
    }
}
