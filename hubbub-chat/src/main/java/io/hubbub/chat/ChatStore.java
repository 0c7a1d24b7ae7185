package io.hubbub.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.protocol.Json;
import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * SQL of the chat tables, the same for SQLite and PostgreSQL. Every method takes a {@link Handle}
 * and blocks: callers run on the blocking executor or the writer thread, never on an event loop.
 */
final class ChatStore {
    /** What sends know about chats; told here of every membership and block change. */
    volatile SendAccess access = SendAccess.OFF;

    /** One stored message as the sender's send resolved: fresh, or the earlier one with the same client id. */
    /** A send's outcome: the stored message, and whether an earlier send with its client id stored it. */
    static final class Committed {
        private final Model.Message message;
        private final boolean duplicate;
        private ObjectNode json;

        Committed(Model.Message message, boolean duplicate) {
            this.message = message;
            this.duplicate = duplicate;
        }

        Model.Message message() { return message; }

        boolean duplicate() { return duplicate; }

        /**
         * The message's wire tree, built once and shared by its push and its acknowledgement (both
         * made on the acknowledging thread, or after it through the send's future). Never changed
         * after it is first returned: it is published.
         */
        synchronized ObjectNode json() {
            if (json == null) json = message.json();
            return json;
        }
    }

    /**
     * A commit: an outcome per draft (null: the chat is gone), the fresh ones in order, the members of
     * their chats, and which of those chats are direct ones.
     */
    record Batch(List<Committed> outcomes, List<Committed> fresh, Map<String, List<String>> members, java.util.Set<String> direct,
                 java.util.Set<String> muted) {
        /** Whether {@code userId} muted {@code chatId}. */
        boolean muted(String chatId, String userId) {
            return muted.contains(chatId + '\u0000' + userId);
        }
    }

    static final String MESSAGE_COLUMNS = "m.id, m.chat_id, m.seq, m.sender_id, m.client_id, m.kind, m.text, m.reply_to, m.extra, "
            + "m.created_at, m.edited_at, m.deleted, r.sender_id AS r_sender, r.text AS r_text, r.deleted AS r_deleted "
            + "FROM chat_messages m LEFT JOIN chat_messages r ON r.id = m.reply_to";

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

    // ------------------------------------------------------------------ group commit

    /**
     * Stores a batch of drafts in the caller's transaction; see {@link MessageWriter}. The statement
     * count is per batch, neither per chat nor per message (up to {@link #ROWS_PER_STATEMENT} keys,
     * chats or rows per statement): one index probe of earlier client ids, one sequence update for
     * all chats (PostgreSQL: after locking their rows in id order), one multi-row insert, one
     * read-mark update, one member query.
     */
    Batch commit(Handle h, List<Model.Draft> drafts) {
        List<Committed> outcomes = new ArrayList<>(java.util.Collections.nCopies(drafts.size(), (Committed) null));
        Map<String, Integer> firstByClientKey = new HashMap<>();
        List<Integer> fresh = new ArrayList<>();
        for (int i = 0; i < drafts.size(); i++) {
            Model.Draft d = drafts.get(i);
            if (d.clientId() == null || firstByClientKey.putIfAbsent(clientKey(d.chatId(), d.senderId(), d.clientId()), i) == null) fresh.add(i);
        }
        // retried sends: the message stored earlier with the same (chat, sender, clientId)
        if (!firstByClientKey.isEmpty()) {
            Map<String, Model.Message> stored = new HashMap<>();
            List<Model.Message> earlier = earlierByClientId(h, firstByClientKey.values().stream().map(drafts::get).toList());
            for (Model.Message m : earlier) stored.put(clientKey(m.chatId(), m.senderId(), m.clientId()), m);
            if (!stored.isEmpty()) {
                List<Model.Message> withR = withReactions(h, new ArrayList<>(stored.values()));
                for (Model.Message m : withR) stored.put(clientKey(m.chatId(), m.senderId(), m.clientId()), m);
                fresh.removeIf(i -> {
                    Model.Draft d = drafts.get(i);
                    Model.Message m = d.clientId() == null ? null : stored.get(clientKey(d.chatId(), d.senderId(), d.clientId()));
                    if (m != null) outcomes.set(i, new Committed(m, true));
                    return m != null;
                });
            }
        }
        Map<String, List<Integer>> freshByChat = new LinkedHashMap<>();
        for (int i : fresh) freshByChat.computeIfAbsent(drafts.get(i).chatId(), k -> new ArrayList<>()).add(i);
        List<Committed> committed = new ArrayList<>();
        List<Object[]> rows = new ArrayList<>(fresh.size());
        Map<String, Long> readMarks = new LinkedHashMap<>(); // chat \0 sender -> highest own seq
        java.util.Set<String> direct = new java.util.HashSet<>();
        Map<String, Map.Entry<Long, String>> lastSeqs = reserveSequences(h, freshByChat, drafts);
        for (Map.Entry<String, List<Integer>> e : freshByChat.entrySet()) {
            List<Integer> idx = e.getValue();
            Map.Entry<Long, String> last = lastSeqs.get(e.getKey());
            if (last == null) continue; // the chat was deleted meanwhile: those outcomes stay null
            if ("direct".equals(last.getValue())) direct.add(e.getKey());
            long seq = last.getKey() - idx.size();
            for (int i : idx) {
                Model.Draft d = drafts.get(i);
                seq++;
                rows.add(new Object[] {d.id(), d.chatId(), seq, d.senderId(), d.clientId(), d.kind(), d.text(), d.replyTo(),
                        d.extra() == null ? null : d.extra().toString(), d.createdAt()});
                Committed c = new Committed(new Model.Message(d.id(), d.chatId(), seq, d.senderId(), d.clientId(), d.kind(), d.text(),
                        d.replyPreview(), d.extra(), d.createdAt(), null, false, Json.object()), false);
                outcomes.set(i, c);
                committed.add(c);
                if (!"system".equals(d.kind())) readMarks.put(d.chatId() + '\u0000' + d.senderId(), seq);
            }
        }
        insertRows(h, rows);
        advanceOwnMarks(h, readMarks);
        // duplicates inside the batch get the outcome of their first draft
        for (int i = 0; i < drafts.size(); i++) {
            Model.Draft d = drafts.get(i);
            if (outcomes.get(i) != null || d.clientId() == null) continue;
            Integer first = firstByClientKey.get(clientKey(d.chatId(), d.senderId(), d.clientId()));
            if (first != null && first != i && outcomes.get(first) != null) outcomes.set(i, new Committed(outcomes.get(first).message(), true));
        }
        Map<String, List<String>> members = new HashMap<>();
        java.util.Set<String> muted = new java.util.HashSet<>();
        if (!committed.isEmpty()) {
            List<String> chatIds = committed.stream().map(c -> c.message().chatId()).distinct().toList();
            for (String id : chatIds) members.put(id, new ArrayList<>());
            chunked(chatIds, part -> {
                query(h, "SELECT chat_id, user_id, muted FROM chat_members WHERE chat_id IN (" + marks(part.size(), "?") + ")",
                        new ArrayList<>(part), rs -> {
                            if (rs.getInt(3) != 0) muted.add(rs.getString(1) + '\u0000' + rs.getString(2));
                            members.get(rs.getString(1)).add(rs.getString(2));
                        });
            });
        }
        return new Batch(outcomes, committed, members, direct, muted);
    }

    /**
     * The stored messages with the (chat, sender, clientId) of these drafts: one query per
     * {@link #ROWS_PER_STATEMENT} keys, each key an exact probe of the unique index
     * {@code chat_messages_client}, so its cost does not grow with the chats' history.
     */
    private static List<Model.Message> earlierByClientId(Handle h, List<Model.Draft> keyed) {
        List<Model.Message> out = new ArrayList<>();
        chunked(keyed, part -> {
            List<Object> args = new ArrayList<>(part.size() * 3);
            for (Model.Draft d : part) java.util.Collections.addAll(args, d.chatId(), d.senderId(), d.clientId());
            query(h, "SELECT " + MESSAGE_COLUMNS + " WHERE m.id IN (SELECT k.id FROM (VALUES " + marks(part.size(), "(?, ?, ?)")
                    + ") AS v JOIN chat_messages k ON k.chat_id = v.column1 AND k.sender_id = v.column2 AND k.client_id = v.column3)",
                    args, rs -> out.add(message(rs)));
        });
        return out;
    }

    /**
     * Rows (or keys, or chats) per generated statement: 10 columns each stays far below both
     * databases' parameter limits (32,766). The generated statements go to JDBC directly: Jdbi would
     * parse each new SQL text (every batch size is a new text), which profiling showed to be most
     * of the writer's CPU.
     */
    private static final int ROWS_PER_STATEMENT = 250;

    /**
     * Advances the sequence of every chat of the batch by its number of fresh messages in ONE
     * statement per {@link #ROWS_PER_STATEMENT} chats ({@code UPDATE … FROM (VALUES …) RETURNING}, on
     * SQLite ≥ 3.35 and PostgreSQL alike) instead of one round trip per chat. Returns chat → (new
     * last_seq, kind); a chat missing from the result no longer exists. The row update serialises
     * writers of the same chat (several nodes), so the ranges handed out never overlap. On PostgreSQL
     * the chat rows are first locked in id order, so two nodes' batches over the same chats cannot
     * deadlock (one waits for the other); SQLite has a single writer anyway.
     */
    private static Map<String, Map.Entry<Long, String>> reserveSequences(Handle h, Map<String, List<Integer>> freshByChat,
                                                                         List<Model.Draft> drafts) {
        Map<String, Map.Entry<Long, String>> out = new HashMap<>();
        boolean postgres = isPostgres(h);
        chunked(new ArrayList<>(freshByChat.keySet()), part -> {
            if (postgres) query(h, "SELECT id FROM chat_chats WHERE id IN (" + marks(part.size(), "?") + ") ORDER BY id FOR UPDATE",
                    new ArrayList<>(part), rs -> { });
            List<Object> args = new ArrayList<>(part.size() * 3);
            for (String chat : part) {
                List<Integer> idx = freshByChat.get(chat);
                java.util.Collections.addAll(args, chat, (long) idx.size(), drafts.get(idx.get(idx.size() - 1)).createdAt());
            }
            query(h, "UPDATE chat_chats SET last_seq = last_seq + v.n, updated_at = v.t FROM (SELECT column1 AS cid, column2 AS n, "
                    + "column3 AS t FROM (VALUES " + marks(part.size(), "(?, CAST(? AS BIGINT), CAST(? AS BIGINT))")
                    + ") AS x) AS v WHERE id = v.cid RETURNING id, last_seq, kind",
                    args, rs -> out.put(rs.getString(1), Map.entry(rs.getLong(2), rs.getString(3))));
        });
        return out;
    }

    /** Inserts the batch's messages with multi-row INSERTs ({@link #ROWS_PER_STATEMENT} rows per statement). */
    private static void insertRows(Handle h, List<Object[]> rows) {
        chunked(rows, part -> {
            List<Object> args = new ArrayList<>(part.size() * 10);
            for (Object[] row : part) java.util.Collections.addAll(args, row);
            update(h, "INSERT INTO chat_messages (id, chat_id, seq, sender_id, client_id, kind, text, reply_to, extra, created_at) VALUES "
                    + marks(part.size(), "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"), args);
        });
    }

    /** The senders' read and delivered marks move forward (never back) to their own newest message. */
    private static void advanceOwnMarks(Handle h, Map<String, Long> readMarks) {
        chunked(new ArrayList<>(readMarks.entrySet()), part -> {
            List<Object> args = new ArrayList<>(part.size() * 3);
            for (Map.Entry<String, Long> e : part) {
                int cut = e.getKey().indexOf('\u0000');
                java.util.Collections.addAll(args, e.getKey().substring(0, cut), e.getKey().substring(cut + 1), e.getValue());
            }
            update(h, "UPDATE chat_members SET last_read = CASE WHEN last_read < v.s THEN v.s ELSE last_read END, "
                    + "last_delivered = CASE WHEN last_delivered < v.s THEN v.s ELSE last_delivered END FROM "
                    + "(SELECT column1 AS cid, column2 AS uid, column3 AS s FROM (VALUES " + marks(part.size(), "(?, ?, CAST(? AS BIGINT))")
                    + ") AS x) AS v WHERE chat_id = v.cid AND user_id = v.uid", args);
        });
    }

    // ------------------------------------------------------------------ plain JDBC for generated statements

    private interface RowSink {
        void accept(ResultSet rs) throws SQLException;
    }

    private static <T> void chunked(List<T> all, java.util.function.Consumer<List<T>> each) {
        for (int from = 0; from < all.size(); from += ROWS_PER_STATEMENT)
            each.accept(all.subList(from, Math.min(all.size(), from + ROWS_PER_STATEMENT)));
    }

    private static String marks(int n, String one) {
        StringBuilder b = new StringBuilder(n * (one.length() + 2));
        for (int i = 0; i < n; i++) b.append(i == 0 ? "" : ", ").append(one);
        return b.toString();
    }

    private static void query(Handle h, String sql, List<Object> args, RowSink sink) {
        try (java.sql.PreparedStatement st = h.getConnection().prepareStatement(sql)) {
            bind(st, args);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) sink.accept(rs);
            }
        } catch (SQLException e) {
            throw new org.jdbi.v3.core.statement.UnableToExecuteStatementException(e, null);
        }
    }

    private static void update(Handle h, String sql, List<Object> args) {
        try (java.sql.PreparedStatement st = h.getConnection().prepareStatement(sql)) {
            bind(st, args);
            st.executeUpdate();
        } catch (SQLException e) {
            throw new org.jdbi.v3.core.statement.UnableToExecuteStatementException(e, null);
        }
    }

    private static void bind(java.sql.PreparedStatement st, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            Object v = args.get(i);
            if (v == null) st.setNull(i + 1, java.sql.Types.VARCHAR);
            else if (v instanceof Long l) st.setLong(i + 1, l);
            else st.setString(i + 1, (String) v);
        }
    }

    private static boolean isPostgres(Handle h) {
        try {
            return h.getConnection().getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgres");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String clientKey(String chatId, String senderId, String clientId) {
        return chatId + '\u0000' + senderId + '\u0000' + clientId;
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

    // ------------------------------------------------------------------ messages

    Optional<Model.Message> message(Handle h, String id) {
        List<Model.Message> one = h.createQuery("SELECT " + MESSAGE_COLUMNS + " WHERE m.id = ?").bind(0, id).map((rs, c) -> message(rs)).list();
        return withReactions(h, one).stream().findFirst();
    }

    /** One page, returned in ascending sequence order. */
    List<Model.Message> history(Handle h, String chatId, ChatPayloads.History q, int limit) {
        String sel = "SELECT " + MESSAGE_COLUMNS + " WHERE m.chat_id = ? ";
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

    void editMessage(Handle h, String id, String text, long now) {
        h.execute("UPDATE chat_messages SET text = ?, edited_at = ? WHERE id = ?", text, now, id);
    }

    /** Soft delete: the row (and its seq) stays as a tombstone; text, attachments and reactions go. */
    void deleteMessage(Handle h, String id, long now) {
        h.execute("UPDATE chat_messages SET text = '', extra = NULL, deleted = 1 WHERE id = ?", id);
        h.execute("DELETE FROM chat_reactions WHERE message_id = ?", id);
    }

    /** Toggles a reaction; true if it is now set. */
    boolean toggleReaction(Handle h, String messageId, String userId, String emoji, long now) {
        int removed = h.execute("DELETE FROM chat_reactions WHERE message_id = ? AND user_id = ? AND emoji = ?", messageId, userId, emoji);
        if (removed > 0) return false;
        h.execute("INSERT INTO chat_reactions (message_id, user_id, emoji, created_at) VALUES (?, ?, ?, ?)", messageId, userId, emoji, now);
        return true;
    }

    private List<Model.Message> withReactions(Handle h, List<Model.Message> messages) {
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

    // ------------------------------------------------------------------ friends

    FriendRules.Relation relation(Handle h, String me, String other) {
        if (exists(h, "SELECT 1 FROM chat_blocks WHERE blocker_id = ? AND blocked_id = ?", me, other)) return FriendRules.Relation.BLOCKED_BY_ME;
        if (exists(h, "SELECT 1 FROM chat_blocks WHERE blocker_id = ? AND blocked_id = ?", other, me)) return FriendRules.Relation.BLOCKED_ME;
        if (exists(h, "SELECT 1 FROM chat_friends WHERE user_id = ? AND friend_id = ?", me, other)) return FriendRules.Relation.FRIENDS;
        if (exists(h, "SELECT 1 FROM chat_friend_requests WHERE from_id = ? AND to_id = ?", me, other)) return FriendRules.Relation.OUTGOING;
        if (exists(h, "SELECT 1 FROM chat_friend_requests WHERE from_id = ? AND to_id = ?", other, me)) return FriendRules.Relation.INCOMING;
        return FriendRules.Relation.NONE;
    }

    boolean blockedEitherWay(Handle h, String a, String b) {
        return exists(h, "SELECT 1 FROM chat_blocks WHERE (blocker_id = ? AND blocked_id = ?) OR (blocker_id = ? AND blocked_id = ?)", a, b, b, a);
    }

    /** Stores {@code next} as the relation of me to other (the rules decided it is allowed). */
    void storeRelation(Handle h, String me, String other, FriendRules.Relation next, long now) {
        h.execute("DELETE FROM chat_friend_requests WHERE (from_id = ? AND to_id = ?) OR (from_id = ? AND to_id = ?)", me, other, other, me);
        if (next != FriendRules.Relation.FRIENDS) h.execute("DELETE FROM chat_friends WHERE (user_id = ? AND friend_id = ?) OR (user_id = ? AND friend_id = ?)", me, other, other, me);
        if (next != FriendRules.Relation.BLOCKED_BY_ME) h.execute("DELETE FROM chat_blocks WHERE blocker_id = ? AND blocked_id = ?", me, other);
        switch (next) {
            case OUTGOING -> h.execute("INSERT INTO chat_friend_requests (from_id, to_id, created_at) VALUES (?, ?, ?)", me, other, now);
            case FRIENDS -> {
                if (!exists(h, "SELECT 1 FROM chat_friends WHERE user_id = ? AND friend_id = ?", me, other)) {
                    h.execute("INSERT INTO chat_friends (user_id, friend_id, since) VALUES (?, ?, ?)", me, other, now);
                    h.execute("INSERT INTO chat_friends (user_id, friend_id, since) VALUES (?, ?, ?)", other, me, now);
                }
            }
            case BLOCKED_BY_ME -> h.execute("INSERT INTO chat_blocks (blocker_id, blocked_id, created_at) VALUES (?, ?, ?)", me, other, now);
            case NONE, INCOMING, BLOCKED_ME -> { }
        }
        access.invalidateAll();
    }

    List<String> list(Handle h, String sql, String userId, int limit) {
        return h.createQuery(sql + " LIMIT ?").bind(0, userId).bind(1, limit).mapTo(String.class).list();
    }

    // ------------------------------------------------------------------ notifications

    void insertNotification(Handle h, String id, String userId, String kind, JsonNode data, long now) {
        h.execute("INSERT INTO chat_notifications (id, user_id, kind, data, created_at) VALUES (?, ?, ?, ?, ?)", id, userId, kind, data.toString(), now);
    }

    List<ObjectNode> notifications(Handle h, String userId, boolean unreadOnly, long before, long notOlderThan, int limit) {
        return h.createQuery("SELECT id, kind, data, created_at, read_at FROM chat_notifications WHERE user_id = ? AND created_at < ? AND created_at >= ? "
                        + (unreadOnly ? "AND read_at IS NULL " : "") + "ORDER BY created_at DESC, id LIMIT ?")
                .bind(0, userId).bind(1, before).bind(2, notOlderThan).bind(3, limit).map((rs, c) -> notification(rs)).list();
    }

    int unreadNotifications(Handle h, String userId, long notOlderThan) {
        return h.createQuery("SELECT COUNT(*) FROM chat_notifications WHERE user_id = ? AND read_at IS NULL AND created_at >= ?")
                .bind(0, userId).bind(1, notOlderThan).mapTo(Integer.class).one();
    }

    int markNotificationsRead(Handle h, String userId, String id, long now) {
        return id == null
                ? h.execute("UPDATE chat_notifications SET read_at = ? WHERE user_id = ? AND read_at IS NULL", now, userId)
                : h.execute("UPDATE chat_notifications SET read_at = COALESCE(read_at, ?) WHERE user_id = ? AND id = ?", now, userId, id);
    }

    /** Deletes at most {@code max} notifications created before {@code cutoff}; returns how many. */
    int deleteExpired(Handle h, long cutoff, int max) {
        return h.execute("DELETE FROM chat_notifications WHERE id IN (SELECT id FROM chat_notifications WHERE created_at < ? LIMIT ?)", cutoff, max);
    }

    // ------------------------------------------------------------------ mapping

    private static boolean exists(Handle h, String sql, Object... args) {
        var q = h.createQuery(sql);
        for (int i = 0; i < args.length; i++) q.bind(i, args[i]);
        return q.mapTo(Integer.class).findFirst().isPresent();
    }

    private static Model.Chat chat(ResultSet rs) throws SQLException {
        return new Model.Chat(rs.getString("id"), ChatRules.Kind.valueOf(rs.getString("kind").toUpperCase(java.util.Locale.ROOT)),
                rs.getString("name"), rs.getString("image"), rs.getString("description"), rs.getString("owner_id"),
                rs.getLong("last_seq"), rs.getLong("created_at"), rs.getLong("updated_at"));
    }

    private static Model.Member member(ResultSet rs) throws SQLException {
        return new Model.Member(rs.getString("user_id"), ChatRules.Role.of(rs.getString("role")), rs.getLong("joined_at"),
                rs.getLong("last_delivered"), rs.getLong("last_read"), rs.getInt("muted") != 0);
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

    private static ObjectNode notification(ResultSet rs) throws SQLException {
        ObjectNode n = Json.object().put("id", rs.getString("id")).put("type", rs.getString("kind"));
        n.set("data", Json.parseObject(rs.getString("data")));
        n.put("createdAt", rs.getLong("created_at"));
        long r = rs.getLong("read_at");
        if (rs.wasNull()) n.putNull("readAt"); else n.put("readAt", r);
        n.put("read", !rs.wasNull());
        return n;
    }

    static Collection<String> ids(Collection<Model.Member> members) {
        return members.stream().map(Model.Member::userId).toList();
    }
}
