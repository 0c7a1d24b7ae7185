package io.hubbub.chat;

import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SQL of chats, their members and the members' receipts (read and delivered marks), the same for
 * SQLite and PostgreSQL, and the write transaction every chat write uses ({@link #write}). Messages
 * are in {@link MessageStore} and {@link BatchCommit}, friends in {@link FriendStore}, notifications
 * in {@link NotificationStore}. Every method takes a {@link Handle} and blocks: callers run on the
 * blocking executor or the writer thread, never on an event loop.
 */
final class ChatStore {
    /** What sends know about chats; told here of every membership change. */
    volatile SendAccess access = SendAccess.OFF;

    /**
     * A write transaction. On SQLite it takes the write lock first (a no-op write), so a transaction
     * that reads before it writes waits for other writers (busy timeout) instead of failing with
     * SQLITE_BUSY_SNAPSHOT when another connection wrote after its read began.
     */
    static <R> R write(io.hubbub.store.Database db, org.jdbi.v3.core.HandleCallback<R, RuntimeException> work) {
        return db.inTransaction(h -> {
            if (db.kind() == io.hubbub.store.Database.Kind.SQLITE) h.execute("DELETE FROM chat_blocks WHERE 1 = 0");
            return work.withHandle(h);
        });
    }

    // ------------------------------------------------------------------ chats and members

    Optional<Model.Chat> chat(Handle h, String id) {
        return h.createQuery("SELECT * FROM chat_chats WHERE id = ?").bind(0, id).map((rs, c) -> chat(rs)).findFirst();
    }

    Optional<Model.Chat> directChat(Handle h, String key) {
        return h.createQuery("SELECT * FROM chat_chats WHERE direct_key = ?").bind(0, key).map((rs, c) -> chat(rs)).findFirst();
    }

    void insertChat(Handle h, Model.Chat c, String directKey) {
        h.execute("INSERT INTO chat_chats (id, kind, direct_key, name, image, description, owner_id, last_seq, created_at, updated_at) "
                        + "VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)", c.id(), c.kind().name().toLowerCase(java.util.Locale.ROOT), directKey,
                c.name(), c.image(), c.description(), c.ownerId(), c.createdAt(), c.updatedAt());
    }

    void updateChat(Handle h, String id, String name, String image, String description, long now) {
        h.execute("UPDATE chat_chats SET name = COALESCE(?, name), image = COALESCE(?, image), description = COALESCE(?, description), "
                + "updated_at = ? WHERE id = ?", name, image, description, now, id);
    }

    void setOwner(Handle h, String chatId, String userId) {
        h.execute("UPDATE chat_chats SET owner_id = ? WHERE id = ?", userId, chatId);
    }

    /** Adds a member who reads from the chat's current end (their unread count starts at zero). */
    void addMember(Handle h, String chatId, String userId, ChatRules.Role role, long now) {
        h.execute("INSERT INTO chat_members (chat_id, user_id, role, joined_at, last_delivered, last_read) "
                + "SELECT ?, ?, ?, ?, last_seq, last_seq FROM chat_chats WHERE id = ?", chatId, userId, role.wire(), now, chatId);
        access.invalidate(chatId);
    }

    void removeMember(Handle h, String chatId, String userId) {
        h.execute("DELETE FROM chat_members WHERE chat_id = ? AND user_id = ?", chatId, userId);
        access.invalidate(chatId);
    }

    void setRole(Handle h, String chatId, String userId, ChatRules.Role role) {
        h.execute("UPDATE chat_members SET role = ? WHERE chat_id = ? AND user_id = ?", role.wire(), chatId, userId);
    }

    void setMuted(Handle h, String chatId, String userId, boolean muted) {
        h.execute("UPDATE chat_members SET muted = ? WHERE chat_id = ? AND user_id = ?", muted ? 1 : 0, chatId, userId);
    }

    Optional<Model.Member> member(Handle h, String chatId, String userId) {
        return h.createQuery("SELECT * FROM chat_members WHERE chat_id = ? AND user_id = ?").bind(0, chatId).bind(1, userId)
                .map((rs, c) -> member(rs)).findFirst();
    }

    List<Model.Member> members(Handle h, String chatId) {
        return h.createQuery("SELECT * FROM chat_members WHERE chat_id = ? ORDER BY joined_at, user_id").bind(0, chatId)
                .map((rs, c) -> member(rs)).list();
    }

    List<String> memberIds(Handle h, String chatId) {
        return h.createQuery("SELECT user_id FROM chat_members WHERE chat_id = ?").bind(0, chatId).mapTo(String.class).list();
    }

    int memberCount(Handle h, String chatId) {
        return h.createQuery("SELECT COUNT(*) FROM chat_members WHERE chat_id = ?").bind(0, chatId).mapTo(Integer.class).one();
    }

    /** The user's chats with their receipts, most recently active first. */
    List<Map.Entry<Model.Chat, Model.Member>> chatsOf(Handle h, String userId, int limit) {
        return h.createQuery("SELECT c.*, mb.user_id, mb.role, mb.joined_at, mb.last_delivered, mb.last_read, mb.muted "
                        + "FROM chat_members mb JOIN chat_chats c ON c.id = mb.chat_id WHERE mb.user_id = ? ORDER BY c.updated_at DESC, c.id LIMIT ?")
                .bind(0, userId).bind(1, limit).map((rs, c) -> Map.entry(chat(rs), member(rs))).list();
    }

    /** Moves a read (and delivered) mark forward only. */
    void advanceRead(Handle h, String chatId, String userId, long seq) {
        h.execute("UPDATE chat_members SET last_read = ? WHERE chat_id = ? AND user_id = ? AND last_read < ?", seq, chatId, userId, seq);
        h.execute("UPDATE chat_members SET last_delivered = ? WHERE chat_id = ? AND user_id = ? AND last_delivered < ?", seq, chatId, userId, seq);
    }

    void advanceDelivered(Handle h, String chatId, String userId, long seq) {
        h.execute("UPDATE chat_members SET last_delivered = ? WHERE chat_id = ? AND user_id = ? AND last_delivered < ?", seq, chatId, userId, seq);
    }

    void setRead(Handle h, String chatId, String userId, long seq) {
        h.execute("UPDATE chat_members SET last_read = ? WHERE chat_id = ? AND user_id = ?", seq, chatId, userId);
    }

    // ------------------------------------------------------------------ mapping

    private static Model.Chat chat(ResultSet rs) throws SQLException {
        return new Model.Chat(rs.getString("id"), ChatRules.Kind.valueOf(rs.getString("kind").toUpperCase(java.util.Locale.ROOT)),
                rs.getString("name"), rs.getString("image"), rs.getString("description"), rs.getString("owner_id"),
                rs.getLong("last_seq"), rs.getLong("created_at"), rs.getLong("updated_at"));
    }

    private static Model.Member member(ResultSet rs) throws SQLException {
        return new Model.Member(rs.getString("user_id"), ChatRules.Role.of(rs.getString("role")), rs.getLong("joined_at"),
                rs.getLong("last_delivered"), rs.getLong("last_read"), rs.getInt("muted") != 0);
    }
}
