package io.hubbub.chat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.protocol.Json;
import io.hubbub.store.Database;

import java.time.Clock;
import java.util.List;

/**
 * Stored notifications (friend requests, added to a group, mentions, messages to an offline user):
 * written, pushed live as {@code notification:new} to the user's connections, and kept for
 * {@code notificationTtl} so a user who was offline gets them on connect ({@link ChatFeature}).
 * Anything older than the TTL is invisible at once (queries filter by age) and deleted by the
 * bounded periodic {@link #cleanup}. Methods block (database).
 */
final class Notifications {
    private final Database db;
    private final ChatSettings settings;
    private final Delivery delivery;
    private final Clock clock;
    private volatile PushWebhook webhook;

    Notifications(Database db, ChatSettings settings, Delivery delivery, Clock clock) {
        this.db = db;
        this.settings = settings;
        this.delivery = delivery;
        this.clock = clock;
    }

    /** Stores a notification and pushes it to the user's connections (if any). */
    void notify(String userId, String kind, ObjectNode data) {
        long now = clock.millis();
        String id = ChatService.newId();
        ObjectNode n = Json.object().put("id", id).put("type", kind);
        n.set("data", data);
        n.put("createdAt", now).putNull("readAt").put("read", false);
        PushWebhook w = webhook;
        // the webhook's delivery is stored with its notification: both or neither
        db.inTransaction(h -> {
            NotificationStore.insert(h, id, userId, kind, data, now);
            if (w != null) w.enqueue(h, userId, n, now);
            return null;
        });
        delivery.toUser(userId, "notification:new", n);
        if (w != null) w.nudge();
    }

    /** Every stored notification is also queued for this webhook (in the same transaction). */
    void webhook(PushWebhook w) {
        this.webhook = w;
    }

    /** Whether connections get their unread notifications replayed (notificationsOnConnect > 0). */
    boolean replaysOnConnect() {
        return settings.notificationsOnConnect() > 0;
    }

    /** Creation time of the oldest notification still shown (older ones expire). */
    long oldestVisible() {
        return clock.millis() - settings.notificationTtl().toMillis();
    }

    /** The newest unread notifications, oldest first, to replay to a connection that just connected. */
    List<ObjectNode> pendingOnConnect(String userId) {
        if (settings.notificationsOnConnect() == 0) return List.of();
        return db.withHandle(h -> NotificationStore.page(h, userId, true, Long.MAX_VALUE, oldestVisible(), settings.notificationsOnConnect())).reversed();
    }

    ObjectNode list(String userId, ChatPayloads.NotificationList p) {
        return db.withHandle(h -> {
            ArrayNode out = Model.array();
            int limit = p.limit() == null ? 50 : p.limit();
            NotificationStore.page(h, userId, Boolean.TRUE.equals(p.unreadOnly()), p.before() == null ? Long.MAX_VALUE : p.before(), oldestVisible(), limit)
                    .forEach(out::add);
            ObjectNode r = Json.object();
            r.set("notifications", out);
            return r.put("unread", NotificationStore.unread(h, userId, oldestVisible()));
        });
    }

    ObjectNode read(String userId, ChatPayloads.NotificationRead p) {
        boolean all = Boolean.TRUE.equals(p.all());
        if (all == (p.id() != null)) throw HubbubException.badRequest("give either 'id' or 'all: true'");
        return ChatStore.write(db, h -> {
            int n = NotificationStore.markRead(h, userId, all ? null : p.id(), clock.millis());
            if (!all && n == 0) throw HubbubException.notFound("no notification '" + p.id() + "'");
            return Json.object().put("marked", n).put("unread", NotificationStore.unread(h, userId, oldestVisible()));
        });
    }

    /** Deletes expired notifications, at most {@code cleanupBatch} per call; returns how many. */
    int cleanup() {
        return db.withHandle(h -> NotificationStore.deleteExpired(h, oldestVisible(), settings.cleanupBatch()));
    }
}
