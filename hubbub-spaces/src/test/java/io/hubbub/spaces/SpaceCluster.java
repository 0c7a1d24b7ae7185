package io.hubbub.spaces;

import io.hubbub.redis.RedisServers;
import io.hubbub.server.testing.ClusterFixture;
import io.hubbub.server.testing.NodeProcess;
import io.hubbub.store.EmbeddedPostgresHolder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A real cluster for the spaces fail-over test: one redis-server, one embedded PostgreSQL shared by
 * every node, and Hubbub nodes as separate JVMs ({@link NodeProcess} from the server's test kit) started
 * from this module's test classpath (so they load the spaces feature through ServiceLoader), with a short
 * node TTL (3 s) so a death is noticed quickly. Only the settings every test cluster needs plus the
 * test's own ({@link ClusterFixture#clusterSettings}); the seed's WebSocket path is here.
 */
final class SpaceCluster implements AutoCloseable {
    static final String SECRET = "spaces-cluster-secret-0123456789-abcdefghijklmnop";

    final RedisServers.Server redis = RedisServers.single();
    final String jdbcUrl = EmbeddedPostgresHolder.freshDatabaseUrl();
    final List<NodeProcess> nodes = new ArrayList<>();
    private final Map<String, String> extra;

    SpaceCluster(int n, Map<String, String> extra) {
        this.extra = Map.copyOf(extra);
        try {
            for (int i = 0; i < n; i++) nodes.add(NodeProcess.start("node-" + (char) ('a' + i), settings()));
            ClusterFixture.await(60_000, () -> alive().stream().allMatch(p -> p.get("/api/cluster").body().path("nodes").size() == n), "every node to see " + n + " nodes");
        } catch (RuntimeException | Error e) {
            System.err.println(logs());
            close();
            throw e;
        }
    }

    private Map<String, String> settings() {
        Map<String, String> s = ClusterFixture.clusterSettings(redis.uri(), jdbcUrl, SECRET);
        s.putAll(extra);
        return s;
    }

    List<NodeProcess> alive() {
        return nodes.stream().filter(NodeProcess::alive).toList();
    }

    NodeProcess node(String id) {
        return nodes.stream().filter(n -> n.id.equals(id)).findFirst().orElseThrow();
    }

    /** The seed's WebSocket path on a node. */
    static String seedWs(NodeProcess node) {
        return "ws://127.0.0.1:" + node.port() + "/api/v1/ws";
    }

    String logs() {
        StringBuilder b = new StringBuilder();
        for (NodeProcess n : nodes) b.append("==== ").append(n.id).append('\n').append(n.output()).append('\n');
        return b.toString();
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        nodes.forEach(NodeProcess::close);
        nodes.forEach(NodeProcess::deleteFiles);
        redis.close();
    }
}
