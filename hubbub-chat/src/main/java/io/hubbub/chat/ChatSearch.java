package io.hubbub.chat;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.protocol.Json;
import io.hubbub.store.Database;

import java.util.ArrayList;
import java.util.List;

/**
 * Full-text search over the messages of the chats a user belongs to: SQLite FTS5 (an external-content
 * index on {@code chat_messages}, kept in sync by triggers) or PostgreSQL full-text (a GIN index on
 * {@code to_tsvector('simple', text)}). The index is database-specific, so it is created here at
 * install (idempotently) rather than by the shared migrations. Deleted messages are never found.
 */
final class ChatSearch {
    static final int MAX_QUERY = 200;
    private final Database db;

    ChatSearch(Database db) {
        this.db = db;
    }

    /** Creates the index if missing (and fills it from existing messages on SQLite). Blocking. */
    void install() {
        db.useHandle(h -> {
            if (db.kind() == Database.Kind.SQLITE) {
                boolean exists = h.createQuery("SELECT COUNT(*) FROM sqlite_master WHERE name = 'chat_search'").mapTo(Integer.class).one() > 0;
                if (exists) return;
                h.useTransaction(t -> {
                    t.execute("CREATE VIRTUAL TABLE chat_search USING fts5(text, content='chat_messages', tokenize='unicode61 remove_diacritics 2')");
                    t.execute("CREATE TRIGGER chat_search_ai AFTER INSERT ON chat_messages BEGIN "
                            + "INSERT INTO chat_search(rowid, text) VALUES (new.rowid, new.text); END");
                    t.execute("CREATE TRIGGER chat_search_ad AFTER DELETE ON chat_messages BEGIN "
                            + "INSERT INTO chat_search(chat_search, rowid, text) VALUES ('delete', old.rowid, old.text); END");
                    t.execute("CREATE TRIGGER chat_search_au AFTER UPDATE OF text ON chat_messages BEGIN "
                            + "INSERT INTO chat_search(chat_search, rowid, text) VALUES ('delete', old.rowid, old.text); "
                            + "INSERT INTO chat_search(rowid, text) VALUES (new.rowid, new.text); END");
                    t.execute("INSERT INTO chat_search(chat_search) VALUES ('rebuild')");
                });
            } else {
                h.execute("CREATE INDEX IF NOT EXISTS chat_messages_fts ON chat_messages USING gin (to_tsvector('simple', text))");
            }
        });
    }

    /** Newest matches first; {@code before}: only messages created before it (paging). Blocking. */
    ObjectNode search(String userId, String query, String chatId, Long before, int limit) {
        List<String> terms = terms(query);
        if (terms.isEmpty()) throw HubbubException.badRequest("field 'query' has no words to search for");
        String where = " JOIN chat_members mb ON mb.chat_id = m.chat_id AND mb.user_id = :me WHERE m.deleted = 0 AND m.kind = 'text'"
                + (chatId != null ? " AND m.chat_id = :chat" : "") + (before != null ? " AND m.created_at < :before" : "");
        String sql = db.kind() == Database.Kind.SQLITE
                ? "SELECT " + MessageStore.COLUMNS.replace("FROM chat_messages m", "FROM chat_search s JOIN chat_messages m ON m.rowid = s.rowid")
                  + where + " AND chat_search MATCH :q ORDER BY m.created_at DESC, m.seq DESC LIMIT :limit"
                : "SELECT " + MessageStore.COLUMNS + where
                  + " AND to_tsvector('simple', m.text) @@ to_tsquery('simple', :q) ORDER BY m.created_at DESC, m.seq DESC LIMIT :limit";
        String q = db.kind() == Database.Kind.SQLITE ? fts5(terms) : String.join(" & ", terms) + ":*";
        return db.withHandle(h -> {
            var query1 = h.createQuery(sql).bind("me", userId).bind("q", q).bind("limit", limit);
            if (chatId != null) query1.bind("chat", chatId);
            if (before != null) query1.bind("before", before);
            ArrayNode out = Model.array();
            for (Model.Message m : query1.map((rs, c) -> MessageStore.message(rs)).list()) out.add(m.json());
            ObjectNode r = Json.object().put("query", query);
            r.set("messages", out);
            return r;
        });
    }

    /** The words of a query: letters and digits only, so no query syntax of either database leaks through. */
    static List<String> terms(String query) {
        List<String> out = new ArrayList<>();
        for (String w : query.split("[^\\p{L}\\p{N}]+")) if (!w.isEmpty() && out.size() < 16) out.add(w);
        return out;
    }

    // PostgreSQL: "w1 & w2 & w3:*" — the words are letters and digits only, so no tsquery syntax is possible.

    /** FTS5: every word must occur, each as a quoted string (no operators), the last one also as a prefix. */
    static String fts5(List<String> terms) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < terms.size(); i++) {
            if (i > 0) b.append(' ');
            b.append('"').append(terms.get(i)).append('"');
            if (i == terms.size() - 1) b.append('*');
        }
        return b.toString();
    }
}
