package io.hubbub.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hubbub.core.engine.NodeInfo;
import io.hubbub.core.engine.NodeRegistry;
import io.lettuce.core.KeyValue;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Live nodes in Redis: a key per node holding its JSON with the heartbeat TTL, plus a sorted set
 * node id -> expiry (Redis time) so listing needs no SCAN. Both share one hash tag (one cluster slot).
 * A node is live from its register until its TTL passes without another register.
 */
public final class RedisNodeRegistry implements NodeRegistry {
    private static final LuaScript REGISTER = LuaScript.load("node_register");
    private static final LuaScript LIVE = LuaScript.load("node_live");

    private final RedisClusterAsyncCommands<String, String> redis;
    private final RedisKeys keys;
    private final ObjectMapper json;

    RedisNodeRegistry(RedisClusterAsyncCommands<String, String> redis, RedisKeys keys, ObjectMapper json) {
        this.redis = redis;
        this.keys = keys;
        this.json = json;
    }

    @Override
    public CompletableFuture<Void> register(NodeInfo node, Duration ttl) {
        String value;
        try {
            value = json.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            return CompletableFuture.failedFuture(e);
        }
        return REGISTER.run(redis, new String[] {keys.node(node.id()), keys.nodeIndex()}, node.id(), value,
                Long.toString(Math.max(1, ttl.toMillis()))).thenApply(r -> null);
    }

    @Override
    public CompletableFuture<Void> deregister(String nodeId) {
        return redis.del(keys.node(nodeId)).toCompletableFuture()
                .thenCompose(n -> redis.zrem(keys.nodeIndex(), nodeId).toCompletableFuture())
                .<Void>thenApply(n -> null)
                .exceptionally(e -> { throw RedisFailures.map(e); });
    }

    @Override
    public CompletableFuture<List<NodeInfo>> live() {
        return LIVE.run(redis, new String[] {keys.nodeIndex()}).thenCompose(ids -> {
            if (ids.isEmpty()) return CompletableFuture.completedFuture(List.<NodeInfo>of());
            String[] nodeKeys = ids.stream().map(id -> keys.node((String) id)).toArray(String[]::new);
            return redis.mget(nodeKeys).toCompletableFuture()
                    .exceptionally(e -> { throw RedisFailures.map(e); })
                    .thenApply(values -> {
                        List<NodeInfo> out = new ArrayList<>();
                        for (KeyValue<String, String> kv : values) {
                            if (!kv.hasValue()) continue; // key expired a moment ago
                            try {
                                out.add(json.readValue(kv.getValue(), NodeInfo.class));
                            } catch (JsonProcessingException e) {
                                throw new IllegalStateException("bad node entry", e);
                            }
                        }
                        out.sort(Comparator.comparing(NodeInfo::id));
                        return List.copyOf(out);
                    });
        });
    }
}
