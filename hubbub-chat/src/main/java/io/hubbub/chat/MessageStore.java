package io.hubbub.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.protocol.Json;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SQL of stored messages once written ({@link BatchCommit} writes them): single messages and history
 * pages with their reactions and reply previews, edits, soft deletes, reactions. A message keeps its
 * sequence number for good (a delete leaves a tombstone). Blocks: blocking executor or writer thread.
 */
final class MessageStore {
    private MessageStore() { }

    /** The select list and join every message query uses; {@link #message(ResultSet)} maps its rows. */
    static final String COLUMNS = "m.id, m.chat_id, m.seq, m.sender_id, m.client_id, m.kind, m.text, m.reply_to, m.extra, "
            + "m.created_at, m.edited_at, m.deleted, r.sender_id AS r_sender, r.text AS r_text, r.deleted AS r_deleted "
            + "FROM chat_messages m LEFT JOIN chat_messages r ON r.id = m.reply_to";

    static Optional<Model.Message> message(Handle h, String id) {
        List<Model.Message> one = h.createQuery("SELECT " + COLUMNS + " WHERE m.id = ?").bind(0, id).map((rs, c) -> message(rs)).list();
        return withReactions(h, one).stream().findFirst();
    }

    /** One page, returned in ascending sequence order. */
    static List<Model.Message> history(Handle h, String chatId, ChatPayloads.History q, int limit) {
        String sel = "SELECT " + COLUMNS + " WHERE m.chat_id = ? ";
        List<Model.Message> page;
        if (q.after() != null) {
            page = h.createQuery(sel + "AND m.seq > ? ORDER BY m.seq LIMIT ?").bind(0, chatId).bind(1, q.after()).bind(2, limit)
                    .map((rs, c) -> message(rs)).list();
        } else if (q.date() != null) {
            page = h.createQuery(sel + "AND m.created_at >= ? ORDER BY m.seq LIMIT ?").bind(0, chatId).bind(1, q.date()).bind(2, limit)
                    .map((rs, c) -> message(rs)).list();
        } else if (q.around() != null) {
            int older = (limit + 1) / 2;
            page = new ArrayList<>(h.createQuery(sel + "AND m.seq <= ? ORDER BY m.seq DESC LIMIT ?").bind(0, chatId).bind(1, q.around())
                    .bind(2, older).map((rs, c) -> message(rs)).list().reversed());
            page.addAll(h.createQuery(sel + "AND m.seq > ? ORDER BY m.seq LIMIT ?").bind(0, chatId).bind(1, q.around())
                    .bind(2, limit - older).map((rs, c) -> message(rs)).list());
        } else {
            long before = q.before() == null ? Long.MAX_VALUE : q.before();
            page = h.createQuery(sel + "AND m.seq < ? ORDER BY m.seq DESC LIMIT ?").bind(0, chatId).bind(1, before).bind(2, limit)
                    .map((rs, c) -> message(rs)).list().reversed();
        }
        return withReactions(h, page);
    }

    static void editMessage(Handle h, String id, String text, long now) {
        h.execute("UPDATE chat_messages SET text = ?, edited_at = ? WHERE id = ?", text, now, id);
    }

    /** Soft delete: the row (and its seq) stays as a tombstone; text, attachments and reactions go. */
    static void deleteMessage(Handle h, String id, long now) {
        h.execute("UPDATE chat_messages SET text = '', extra = NULL, deleted = 1 WHERE id = ?", id);
        h.execute("DELETE FROM chat_reactions WHERE message_id = ?", id);
    }

    /** Toggles a reaction; true if it is now set. */
    static boolean toggleReaction(Handle h, String messageId, String userId, String emoji, long now) {
        int removed = h.execute("DELETE FROM chat_reactions WHERE message_id = ? AND user_id = ? AND emoji = ?", messageId, userId, emoji);
        if (removed > 0) return false;
        h.execute("INSERT INTO chat_reactions (message_id, user_id, emoji, created_at) VALUES (?, ?, ?, ?)", messageId, userId, emoji, now);
        return true;
    }

    /** The messages with their reactions (one query), in the same order. */
    static List<Model.Message> withReactions(Handle h, List<Model.Message> messages) {
        if (messages.isEmpty()) return messages;
        Map<String, ObjectNode> by = new HashMap<>();
        h.createQuery("SELECT message_id, emoji, user_id FROM chat_reactions WHERE message_id IN (<ids>) ORDER BY created_at, user_id")
                .bindList("ids", messages.stream().map(Model.Message::id).toList())
                .map((rs, c) -> {
                    ObjectNode r = by.computeIfAbsent(rs.getString(1), k -> Json.object());
                    (r.has(rs.getString(2)) ? (com.fasterxml.jackson.databind.node.ArrayNode) r.get(rs.getString(2)) : r.putArray(rs.getString(2)))
                            .add(rs.getString(3));
                    return 0;
                }).list();
        List<Model.Message> out = new ArrayList<>(messages.size());
        for (Model.Message m : messages)
            out.add(new Model.Message(m.id(), m.chatId(), m.seq(), m.senderId(), m.clientId(), m.kind(), m.text(), m.reply(), m.extra(),
                    m.createdAt(), m.editedAt(), m.deleted(), by.getOrDefault(m.id(), Json.object())));
        return out;
    }

    static Model.Message message(ResultSet rs) throws SQLException {
        ObjectNode reply = null;
        String replyTo = rs.getString("reply_to");
        if (replyTo != null) {
            reply = Json.object().put("id", replyTo).put("senderId", rs.getString("r_sender"));
            String t = rs.getString("r_text");
            reply.put("excerpt", t == null ? "" : ChatRules.excerpt(t, rs.getInt("r_deleted") != 0));
        }
        String extra = rs.getString("extra");
        long edited = rs.getLong("edited_at");
        Long editedAt = rs.wasNull() ? null : edited;
        return new Model.Message(rs.getString("id"), rs.getString("chat_id"), rs.getLong("seq"), rs.getString("sender_id"),
                rs.getString("client_id"), rs.getString("kind"), rs.getString("text"), reply,
                extra == null ? null : Json.parseObject(extra), rs.getLong("created_at"), editedAt, rs.getInt("deleted") != 0, null);
    }
}
