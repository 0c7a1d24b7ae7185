package io.hubbub.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.messaging.MessagingService;

import java.util.Collection;

/**
 * Pushes chat events to participants through their USER channels ({@code user:<id>}), which every
 * connection of a user subscribes to when it authenticates, on every node.
 *
 * <p>Why not one room per chat (the seed's {@code chat:${chatId}}): a user in 5,000 chats would join
 * 5,000 rooms on every connect (and every node would hold 5,000 subscriptions per such user). With
 * user channels, connecting costs nothing per chat; a message costs one publish per member (fan-out on
 * write), which stays cheap for a 1,000-member group because a publish to a user with no connection
 * on any node is a no-op on the memory engine and one PUBLISH to Redis. Every push carries the chat's
 * {@code seq}; a client that sees a gap (or reconnects) reads {@code chat:history {after}}: pushes are
 * a fast path, the database is the truth.
 *
 * <p>Order: publications to one user channel from one thread arrive in order; message pushes are
 * made by the single writer thread in sequence order, so one node's messages arrive in seq order.
 *
 * <p>Encoding: a push to many members is ONE publication handed to every member's channel, so the
 * connections of this node share one frame, encoded once per protocol (the push carries no per-member
 * field; unread counts are computed by the client from seq and its read position, or read with
 * {@code chat:list}). Remote members' nodes receive it over their user channels as before.
 */
final class Delivery {
    private final MessagingService messaging;

    Delivery(MessagingService messaging) {
        this.messaging = messaging;
    }

    void toUsers(Collection<String> userIds, String event, ObjectNode payload, String except) {
        messaging.sendToUsers(userIds, event, payload, except); // one shared push, encoded once per node
    }

    void toUser(String userId, String event, ObjectNode payload) {
        messaging.sendToUser(userId, event, payload);
    }
}
