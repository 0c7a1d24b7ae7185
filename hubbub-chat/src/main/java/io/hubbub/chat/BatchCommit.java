package io.hubbub.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.protocol.Json;
import org.jdbi.v3.core.Handle;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.hubbub.chat.GeneratedSql.chunked;
import static io.hubbub.chat.GeneratedSql.isPostgres;
import static io.hubbub.chat.GeneratedSql.marks;
import static io.hubbub.chat.GeneratedSql.query;
import static io.hubbub.chat.GeneratedSql.update;

/**
 * The group commit's SQL ({@link MessageWriter}): stores a batch of drafts in the caller's write
 * transaction ({@link ChatStore#write}) with a fixed number of statements per batch, and answers
 * each draft with its outcome — the fresh message with its sequence number, the earlier message with
 * the same (chat, sender, client id), or null if its chat is gone. Sequence numbers of one chat are
 * handed out without gaps or overlaps, even with writers on several nodes. Blocks (writer thread).
 */
final class BatchCommit {
    private BatchCommit() { }

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

    /**
     * Stores a batch of drafts in the caller's transaction; see {@link MessageWriter}. The statement
     * count is per batch, neither per chat nor per message (up to {@link GeneratedSql#ROWS_PER_STATEMENT} keys,
     * chats or rows per statement): one index probe of earlier client ids, one sequence update for
     * all chats (PostgreSQL: after locking their rows in id order), one multi-row insert, one
     * read-mark update, one member query.
     */
    static Batch commit(Handle h, List<Model.Draft> drafts) {
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
                List<Model.Message> withR = MessageStore.withReactions(h, new ArrayList<>(stored.values()));
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
     * {@link GeneratedSql#ROWS_PER_STATEMENT} keys, each key an exact probe of the unique index
     * {@code chat_messages_client}, so its cost does not grow with the chats' history.
     */
    private static List<Model.Message> earlierByClientId(Handle h, List<Model.Draft> keyed) {
        List<Model.Message> out = new ArrayList<>();
        chunked(keyed, part -> {
            List<Object> args = new ArrayList<>(part.size() * 3);
            for (Model.Draft d : part) java.util.Collections.addAll(args, d.chatId(), d.senderId(), d.clientId());
            query(h, "SELECT " + MessageStore.COLUMNS + " WHERE m.id IN (SELECT k.id FROM (VALUES " + marks(part.size(), "(?, ?, ?)")
                    + ") AS v JOIN chat_messages k ON k.chat_id = v.column1 AND k.sender_id = v.column2 AND k.client_id = v.column3)",
                    args, rs -> out.add(MessageStore.message(rs)));
        });
        return out;
    }

    /**
     * Advances the sequence of every chat of the batch by its number of fresh messages in ONE
     * statement per {@link GeneratedSql#ROWS_PER_STATEMENT} chats ({@code UPDATE … FROM (VALUES …) RETURNING}, on
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

    /** Inserts the batch's messages with multi-row INSERTs ({@link GeneratedSql#ROWS_PER_STATEMENT} rows per statement). */
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

    private static String clientKey(String chatId, String senderId, String clientId) {
        return chatId + '\u0000' + senderId + '\u0000' + clientId;
    }
}
