package io.hubbub.redis;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.UUID;

final class TestEngines {
    private TestEngines() {}

    static String prefix() {
        return "t" + UUID.randomUUID().toString().substring(0, 8);
    }

    static RedisEngineConfig config(String uri, String prefix, String nodeId) {
        return RedisEngineConfig.single(uri, nodeId).withPrefix(prefix)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(1));
    }

    static ObjectNode data(String key, Object value) {
        return JsonNodeFactory.instance.objectNode().put(key, String.valueOf(value));
    }
}
