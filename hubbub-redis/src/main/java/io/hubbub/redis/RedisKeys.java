package io.hubbub.redis;

/**
 * Names of every Redis key and pub/sub channel the engine uses. All keys of one Hubbub channel share the
 * hash tag {@code {prefix:channel}}, so in a cluster they live in one slot and a Lua script may touch
 * them together; the pub/sub channel carries the same tag so SPUBLISH from that script is slot-local.
 * Node registry keys share the tag {@code {prefix:nodes}} for the same reason.
 */
final class RedisKeys {
    private final String prefix;

    RedisKeys(String prefix) {
        this.prefix = prefix;
    }

    private String tag(String channel) {
        return "{" + prefix + ":" + channel + "}";
    }

    String history(String channel) { return tag(channel) + ":history"; }

    String meta(String channel) { return tag(channel) + ":meta"; }

    /** Idempotency key → offset of the history entries still kept (see publish.lua). */
    String dedupe(String channel) { return tag(channel) + ":dedupe"; }

    String pubsub(String channel) { return tag(channel) + ":pub"; }

    String presence(String channel) { return tag(channel) + ":presence"; }

    String presenceExpiry(String channel) { return tag(channel) + ":presence-expiry"; }

    String presenceUsers(String channel) { return tag(channel) + ":presence-users"; }

    /** The directory entry of a non-persistent room; {@code channel} is the room's channel. */
    String roomEntry(String channel) { return tag(channel) + ":entry"; }

    String stateHash(String channel) { return tag(channel) + ":state"; }

    /** The set of a room's sorted-set names. */
    String stateSets(String channel) { return tag(channel) + ":state-sets"; }

    /** Prefix of a room's sorted-set keys; the set name follows. */
    String stateSetPrefix(String channel) { return tag(channel) + ":state-z:"; }

    String lastSeen() { return prefix + ":last-seen"; }

    String node(String nodeId) { return "{" + prefix + ":nodes}:node:" + nodeId; }

    String nodeIndex() { return "{" + prefix + ":nodes}:index"; }

    String session(String sessionId) { return prefix + ":session:" + sessionId; }
}
