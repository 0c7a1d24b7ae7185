package io.hubbub.server.cluster;

import io.hubbub.redis.RedisServers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.hubbub.server.testing.TestHubbub;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** With the Redis engine (a real Redis), the HTTP routes are still exactly the paths of docs/openapi.yaml. */
class ClusterRoutesDocsTest {

    @Test
    void theRedisEngineServesExactlyTheDocumentedRoutes() throws Exception {
        JsonNode openapi = new ObjectMapper(new YAMLFactory()).readTree(Path.of("..", "docs", "openapi.yaml").toFile());
        Set<String> documented = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = openapi.get("paths").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> path = it.next();
            for (Iterator<String> m = path.getValue().fieldNames(); m.hasNext(); ) {
                String method = m.next();
                if (Set.of("get", "put", "post", "patch", "delete").contains(method)) documented.add(method.toUpperCase() + " " + path.getKey());
            }
        }
        try (RedisServers.Server redis = RedisServers.single();
             TestHubbub hub = TestHubbub.start(Map.of("engine.type", "redis", "engine.redis.uri", redis.uri(), "engine.nodeId", "docs-node"))) {
            assertThat(hub.server().node().engine().name()).isEqualTo("redis");
            assertThat(new TreeSet<>(hub.server().httpApi().routes())).isEqualTo(documented).contains("GET /api/cluster", "GET /api/route");
        }
    }
}
