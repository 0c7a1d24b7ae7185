package io.hubbub.server.config;

import io.hubbub.core.config.Doc;
import io.hubbub.core.config.Checks;

import java.time.Duration;
import java.util.Locale;

/** The engine that moves messages and presence: in-memory (one node) or Redis (a cluster). */
public record EngineConfig(
        @Doc("memory (a single node) or redis (several nodes sharing rooms).") Type type,
        @Doc("This node's id in the cluster; random at startup if empty.") String nodeId,
        @Doc("A node that has not refreshed its registration for this long is considered gone.") Duration nodeTtl,
        @Doc("Redis connection, used when type is redis.") RedisConfig redis) {

    public enum Type {
        MEMORY, REDIS;

        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static EngineConfig defaults() {
        return new EngineConfig(Type.MEMORY, "", Duration.ofSeconds(15), RedisConfig.defaults());
    }

    void validate(Checks c) {
        if (!nodeId.isEmpty() && !nodeId.matches("[A-Za-z0-9._-]{1,64}"))
            c.fail("engine.nodeId", "must be 1..64 characters of A-Z a-z 0-9 . _ -, got '" + nodeId + "'");
        c.positive("engine.nodeTtl", nodeTtl);
        if (type == Type.REDIS) redis.validate(c);
    }

    /** Redis connection settings. */
    public record RedisConfig(
            @Doc("Redis URI, redis://[:password@]host:port[/db] or rediss:// for TLS.") String uri,
            @Doc("Use Redis Cluster instead of a single server or a Sentinel-less primary.") boolean cluster,
            @Doc("Prefix of every Redis key and channel, so several Hubbub clusters can share a Redis.") String prefix) {
        public static RedisConfig defaults() {
            return new RedisConfig("redis://127.0.0.1:6379", false, "hubbub");
        }

        void validate(Checks c) {
            if (!(uri.startsWith("redis://") || uri.startsWith("rediss://")))
                c.fail("engine.redis.uri", "must start with redis:// or rediss://, got '" + masked() + "'");
            c.require(prefix.matches("[A-Za-z0-9._:-]{1,64}"), "engine.redis.prefix",
                    "must be 1..64 characters of A-Z a-z 0-9 . _ : -, got '" + prefix + "'");
        }

        /** The URI with any password replaced, for logs and messages. */
        public String masked() {
            return uri.replaceAll("//([^@/]*)@", "//***@");
        }

        @Override
        public String toString() {
            return "RedisConfig[uri=" + masked() + ", cluster=" + cluster + ", prefix=" + prefix + "]";
        }
    }
}
