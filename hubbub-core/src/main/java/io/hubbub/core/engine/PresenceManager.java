package io.hubbub.core.engine;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Who is in a channel, across all nodes, de-duplicated per user: a user with several connections is
 * present once, joining with the first and leaving after the last. Also keeps per-user last-seen
 * times. Entries of a node that dies disappear within the engine's presence TTL (cluster engines
 * refresh entries with {@link #refresh}).
 */
public interface PresenceManager extends AutoCloseable {

    CompletableFuture<PresenceChange> add(String channel, ClientInfo info);

    CompletableFuture<PresenceChange> remove(String channel, String sessionId, String userId);

    /** Replaces a present connection's info (status, custom fields). No-op if absent. */
    CompletableFuture<Void> update(String channel, ClientInfo info);

    /** One entry per present connection. */
    CompletableFuture<List<ClientInfo>> presence(String channel);

    /** Keeps this node's entries alive in engines with a TTL; no-op where entries never expire. */
    default CompletableFuture<Void> refresh(String channel, Collection<ClientInfo> local) {
        return CompletableFuture.completedFuture(null);
    }

    CompletableFuture<Void> setLastSeen(String userId, long epochMillis);

    /** Last-seen times of the users that have one. */
    CompletableFuture<Map<String, Long>> lastSeen(Collection<String> userIds);

    @Override
    default void close() {}
}
