package io.hubbub.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.protocol.Json;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * SQL of stored notifications ({@link Notifications}): insert, newest-first pages, unread counts,
 * read marks, and bounded deletion of expired ones. Every read takes {@code notOlderThan}: an expired
 * notification is invisible before it is deleted. Blocks: blocking executor.
 */
final class NotificationStore {
    private NotificationStore() { }

    static void insert(Handle h, String id, String userId, String kind, JsonNode data, long now) {
        h.execute("INSERT INTO chat_notifications (id, user_id, kind, data, created_at) VALUES (?, ?, ?, ?, ?)", id, userId, kind, data.toString(), now);
    }

    static List<ObjectNode> page(Handle h, String userId, boolean unreadOnly, long before, long notOlderThan, int limit) {
        return h.createQuery("SELECT id, kind, data, created_at, read_at FROM chat_notifications WHERE user_id = ? AND created_at < ? AND created_at >= ? "
                        + (unreadOnly ? "AND read_at IS NULL " : "") + "ORDER BY created_at DESC, id LIMIT ?")
                .bind(0, userId).bind(1, before).bind(2, notOlderThan).bind(3, limit).map((rs, c) -> notification(rs)).list();
    }

    static int unread(Handle h, String userId, long notOlderThan) {
        return h.createQuery("SELECT COUNT(*) FROM chat_notifications WHERE user_id = ? AND read_at IS NULL AND created_at >= ?")
                .bind(0, userId).bind(1, notOlderThan).mapTo(Integer.class).one();
    }

    static int markRead(Handle h, String userId, String id, long now) {
        return id == null
                ? h.execute("UPDATE chat_notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL", now, userId)
                : h.execute("UPDATE chat_notifications SET read_at = COALESCE(read_at, ?) WHERE user_id = ? AND id = ?", now, userId, id);
    }

    /** Deletes at most {@code max} notifications created before {@code cutoff}; returns how many. */
    static int deleteExpired(Handle h, long cutoff, int max) {
        return h.execute("DELETE FROM chat_notifications WHERE id IN (SELECT id FROM chat_notifications WHERE created_at < ? LIMIT ?)", cutoff, max);
    }

    private static ObjectNode notification(ResultSet rs) throws SQLException {
        ObjectNode n = Json.object().put("id", rs.getString("id")).put("type", rs.getString("kind"));
        n.set("data", Json.parseObject(rs.getString("data")));
        n.put("createdAt", rs.getLong("created_at"));
        long r = rs.getLong("read_at");
        if (rs.wasNull()) n.putNull("readAt"); else n.put("readAt", r);
        n.put("read", !rs.wasNull());
        return n;
    }
}
