package io.hubbub.redis;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the Redis engine.
 *
 * @param uris                  one {@code redis://host:port} URI, or the seed URIs of a cluster
 * @param cluster               true for Redis Cluster (sharded pub/sub, needs Redis 7)
 * @param prefix                prefix of every key and pub/sub channel, so several deployments can share a Redis
 * @param nodeId                this node's id; stored with its presence entries
 * @param presenceTtl           a presence entry expires this long after its node last added or refreshed it;
 *                              nodes refresh more often (every ttl/3). Entries of a dead node disappear
 *                              within presenceTtl + presenceSweepInterval (12 s with the defaults)
 * @param presenceSweepInterval how often this node removes expired entries of the channels it has members in
 * @param idleMetaTtl           lifetime of a channel's epoch created by a history read before any publication
 * @param commandTimeout        a Redis command not answered within this fails with {@code unavailable}
 * @param connectTimeout        TCP connect timeout
 * @param deliveryThreads       threads delivering publications to the broker handler (channels are striped)
 * @param deliveryQueue         bound of each delivery thread's queue
 */
public record RedisEngineConfig(List<String> uris, boolean cluster, String prefix, String nodeId,
                                Duration presenceTtl, Duration presenceSweepInterval, Duration idleMetaTtl,
                                Duration commandTimeout, Duration connectTimeout, int deliveryThreads, int deliveryQueue) {

    public static final String DEFAULT_PREFIX = "hubbub";

    public RedisEngineConfig {
        uris = List.copyOf(uris);
        if (uris.isEmpty()) throw new IllegalArgumentException("at least one redis URI is needed");
        if (!cluster && uris.size() > 1) throw new IllegalArgumentException("several URIs need cluster: true");
        Objects.requireNonNull(nodeId, "nodeId");
        prefix = prefix == null || prefix.isBlank() ? DEFAULT_PREFIX : prefix;
        if (presenceTtl.toMillis() < 100) throw new IllegalArgumentException("presenceTtl too small");
        if (deliveryThreads < 1 || deliveryQueue < 1) throw new IllegalArgumentException("delivery threads/queue must be positive");
    }

    public static RedisEngineConfig single(String uri, String nodeId) {
        return new RedisEngineConfig(List.of(uri), false, DEFAULT_PREFIX, nodeId, Duration.ofSeconds(10),
                Duration.ofSeconds(2), Duration.ofDays(1), Duration.ofSeconds(5), Duration.ofSeconds(2), 4, 65_536);
    }

    public static RedisEngineConfig cluster(List<String> seeds, String nodeId) {
        RedisEngineConfig c = single(seeds.getFirst(), nodeId);
        return new RedisEngineConfig(seeds, true, c.prefix, nodeId, c.presenceTtl, c.presenceSweepInterval,
                c.idleMetaTtl, c.commandTimeout, c.connectTimeout, c.deliveryThreads, c.deliveryQueue);
    }

    public RedisEngineConfig withPrefix(String p) {
        return new RedisEngineConfig(uris, cluster, p, nodeId, presenceTtl, presenceSweepInterval, idleMetaTtl,
                commandTimeout, connectTimeout, deliveryThreads, deliveryQueue);
    }

    public RedisEngineConfig withPresence(Duration ttl, Duration sweepInterval) {
        return new RedisEngineConfig(uris, cluster, prefix, nodeId, ttl, sweepInterval, idleMetaTtl,
                commandTimeout, connectTimeout, deliveryThreads, deliveryQueue);
    }

    public RedisEngineConfig withTimeouts(Duration command, Duration connect) {
        return new RedisEngineConfig(uris, cluster, prefix, nodeId, presenceTtl, presenceSweepInterval, idleMetaTtl,
                command, connect, deliveryThreads, deliveryQueue);
    }
}
