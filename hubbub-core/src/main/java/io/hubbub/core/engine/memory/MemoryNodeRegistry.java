package io.hubbub.core.engine.memory;

import io.hubbub.core.engine.NodeInfo;
import io.hubbub.core.engine.NodeRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The single-node {@link NodeRegistry}: each registration is live until its TTL passes without another
 * {@link #register}. Expired entries are removed lazily by {@link #live} and by {@link #sweep}.
 *
 * <p>Threading: all methods may be called from any thread concurrently; each operation on one node
 * id is atomic. All futures are complete on return.
 */
public final class MemoryNodeRegistry implements NodeRegistry {
    private record Entry(NodeInfo node, long expiresAt) {
        boolean expired(long now) {
            return now - expiresAt >= 0;
        }
    }

    private final ConcurrentHashMap<String, Entry> nodes = new ConcurrentHashMap<>();

    @Override
    public CompletableFuture<Void> register(NodeInfo node, Duration ttl) {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(node.id(), "node.id");
        if (ttl == null || ttl.isNegative() || ttl.isZero()) {
            return CompletableFuture.failedFuture(new IllegalArgumentException("ttl must be positive"));
        }
        nodes.put(node.id(), new Entry(node, System.nanoTime() + ttl.toNanos()));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> deregister(String nodeId) {
        nodes.remove(Objects.requireNonNull(nodeId, "nodeId"));
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<List<NodeInfo>> live() {
        long now = System.nanoTime();
        List<NodeInfo> out = new ArrayList<>();
        for (Map.Entry<String, Entry> e : nodes.entrySet()) {
            if (e.getValue().expired(now)) {
                nodes.remove(e.getKey(), e.getValue());
            } else {
                out.add(e.getValue().node());
            }
        }
        out.sort(Comparator.comparing(NodeInfo::id));
        return CompletableFuture.completedFuture(List.copyOf(out));
    }

    /** Removes expired registrations; returns how many. */
    public int sweep() {
        long now = System.nanoTime();
        int removed = 0;
        for (Map.Entry<String, Entry> e : nodes.entrySet()) {
            if (e.getValue().expired(now) && nodes.remove(e.getKey(), e.getValue())) removed++;
        }
        return removed;
    }

    /** Registrations held, including expired ones not yet swept (for tests). */
    int size() {
        return nodes.size();
    }
}
