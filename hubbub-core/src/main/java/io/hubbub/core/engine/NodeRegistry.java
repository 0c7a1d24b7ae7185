package io.hubbub.core.engine;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Live nodes of the cluster. A node registers and then heartbeats by calling {@link #register} again
 * more often than the TTL; a node that stops heartbeating disappears from {@link #live} after the TTL.
 */
public interface NodeRegistry extends AutoCloseable {

    CompletableFuture<Void> register(NodeInfo node, Duration ttl);

    CompletableFuture<Void> deregister(String nodeId);

    /** Live nodes, sorted by id. */
    CompletableFuture<List<NodeInfo>> live();

    @Override
    default void close() {}
}
