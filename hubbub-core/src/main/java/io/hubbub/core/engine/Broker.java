package io.hubbub.core.engine;

import java.util.concurrent.CompletableFuture;

/**
 * Moves publications between nodes and keeps per-channel history (the Centrifuge "broker" contract).
 *
 * <p>Guarantees every implementation must give (checked by the shared contract suite):
 * <ul>
 *   <li>A publication that {@link #publish} completed successfully is delivered to every node subscribed
 *       to the channel at that moment, and (if recorded) is in history until trimmed by size or age.</li>
 *   <li>Offsets within an epoch increase by exactly one per recorded publication; delivery order to
 *       every subscribed node equals offset order.</li>
 *   <li>If the broker cannot accept a publication, the future fails with {@code unavailable}; it never
 *       drops silently.</li>
 * </ul>
 * Node-level subscription: the node subscribes once per channel, and fans out to its local sessions.
 * Futures complete on an engine thread; callers hop to their own executor.
 */
public interface Broker extends AutoCloseable {

    /** Sets the single receiver of this node's publications. Must be called before subscribing. */
    void setHandler(BrokerHandler handler);

    /** Publishes; completes with the assigned position (offset 0 and an empty epoch when not recorded). */
    CompletableFuture<StreamPosition> publish(String channel, Publication publication, PublishOptions options);

    /** Starts delivering this channel's publications to the handler. Idempotent. */
    CompletableFuture<Void> subscribe(String channel);

    /** Stops delivering this channel's publications. Idempotent. */
    CompletableFuture<Void> unsubscribe(String channel);

    /**
     * Reads history. A channel without a stream gets one (a new epoch, offset 0), so a position read
     * before the first publication is one a client can later recover from.
     */
    CompletableFuture<HistoryResult> history(String channel, HistoryQuery query);

    /** Drops the channel's history; the next recorded publication starts a new epoch. */
    CompletableFuture<Void> removeHistory(String channel);

    @Override
    default void close() {}
}
