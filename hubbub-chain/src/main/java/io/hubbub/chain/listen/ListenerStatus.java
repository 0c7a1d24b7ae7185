package io.hubbub.chain.listen;

/**
 * The listener's health as /stats, /ready and {@code GET /api/chain/status} show it.
 *
 * @param leader      this node runs the cluster's one active listener
 * @param connected   its WebSocket is subscribed
 * @param lastSlot    newest slot seen (slot notifications, processed transactions)
 * @param lagSlots    node's current slot minus the newest processed transaction's slot (-1 unknown)
 * @param backfilling a backfill pass is running
 */
public record ListenerStatus(boolean configured, boolean leader, boolean connected, long lastSlot, long lagSlots, boolean backfilling,
                            long fencingToken, int pending) {}
