package io.hubbub.chain;

import io.hubbub.chain.rank.RankingRules;
import io.hubbub.store.Database;
import org.jdbi.v3.core.Handle;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The chain feature's tables (db/chain). Blocking: call on {@code ctx.blocking()} or a route thread.
 * Exactly-once rests on primary keys (a signature is processed once, paid once) and on the fence: a
 * listener write carries its lease's fencing token and is refused once a newer leader wrote.
 */
public final class ChainStore {
    /** A newer listener leader exists: this one must stop. */
    public static final class FencedException extends RuntimeException {
        FencedException(long token) {
            super("fencing token " + token + " is stale: another node leads the listener");
        }
    }

    /** The signature was already used for a payment. */
    public static final class AlreadyUsedException extends RuntimeException {
        AlreadyUsedException() {
            super("already used");
        }
    }

    /** A room's payment rule. {@code mint} null: SOL. */
    public record RoomRule(String room, String recipient, String mint, long minAmount, String scoreRule, long points,
                           String operator, String reset, String commitment) {}

    /** One not-yet-emitted processed transaction. */
    public record Unemitted(String signature, String events) {}

    private final Database db;

    public ChainStore(Database db) {
        this.db = db;
    }

    /**
     * SQLite has one writer at a time. This node's chain writes queue for it here (a fair lock; virtual
     * threads park) instead of each holding a pooled connection while SQLite's busy handler sleeps between
     * retries: at 100 payments/s that starved the pool ({@code unavailable}) and the writers
     * ({@code internal} after the busy timeout) while the database sat idle (chain-submit benchmark).
     */
    private final java.util.concurrent.locks.ReentrantLock sqliteWriter = new java.util.concurrent.locks.ReentrantLock(true);

    /** A write transaction; on SQLite one at a time per node ({@link #sqliteWriter}). */
    private <R> R tx(org.jdbi.v3.core.HandleCallback<R, RuntimeException> work) {
        if (db.kind() != Database.Kind.SQLITE) return db.inTransaction(work);
        sqliteWriter.lock();
        try {
            return db.inTransaction(work);
        } finally {
            sqliteWriter.unlock();
        }
    }

    /**
     * A write transaction that reads before it writes. On SQLite it takes the write lock first (a no-op
     * write), so it waits for other writers (other nodes sharing the file: busy timeout) instead of failing
     * with SQLITE_BUSY(_SNAPSHOT) when another connection wrote after its read began.
     */
    private <R> R write(org.jdbi.v3.core.HandleCallback<R, RuntimeException> work) {
        return tx(h -> {
            if (db.kind() == Database.Kind.SQLITE) h.execute("DELETE FROM chain_nonces WHERE 1 = 0");
            return work.withHandle(h);
        });
    }

    private static void fence(Handle h, long token) {
        if (h.createUpdate("UPDATE chain_fence SET token = ? WHERE id = 1 AND token <= ?").bind(0, token).bind(1, token).execute() != 1)
            throw new FencedException(token);
    }

    /** Checks the fence without writing anything else (a new leader claims it). */
    public void claimFence(long token) {
        db.useHandle(h -> fence(h, token));
    }

    /** Which of {@code signatures} were processed already. */
    public List<String> processedAmong(List<String> signatures) {
        if (signatures.isEmpty()) return List.of();
        return db.withHandle(h -> h.createQuery("SELECT signature FROM chain_processed WHERE signature IN (<s>)")
                .bindList("s", signatures).mapTo(String.class).list());
    }

    public boolean isProcessed(String signature) {
        return db.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM chain_processed WHERE signature = ?").bind(0, signature)
                .mapTo(Integer.class).one() > 0);
    }

    /**
     * Records a processed transaction with the messages it produced, once, under the fence. False
     * when it was already recorded (by this or another leader).
     */
    public boolean recordProcessed(String signature, long slot, String status, String events, long token, long now) {
        try {
            return tx(h -> {
                fence(h, token);
                if (h.createQuery("SELECT COUNT(*) FROM chain_processed WHERE signature = ?").bind(0, signature).mapTo(Integer.class).one() > 0)
                    return false;
                h.createUpdate("INSERT INTO chain_processed (signature, slot, status, events, emitted, fence, processed_at) VALUES (?, ?, ?, ?, 0, ?, ?)")
                        .bind(0, signature).bind(1, slot).bind(2, status).bind(3, events).bind(4, token).bind(5, now).execute();
                return true;
            });
        } catch (FencedException e) {
            throw e;
        } catch (RuntimeException e) {
            if (isProcessed(signature)) return false; // a concurrent insert won
            throw e;
        }
    }

    /** One transaction to record: its messages as JSON. */
    public record Processed(String signature, long slot, String status, String events) {}

    /** Builds a batch's rows once the owners of its addresses are known, skipping the signatures recorded before. */
    public interface RowBuilder {
        List<Processed> rows(Map<String, String> owners, java.util.Set<String> known);
    }

    /** What {@link #recordBatch} did: the signatures it recorded (in row order) and those recorded before. */
    public record Recorded(List<String> fresh, java.util.Set<String> known) {}

    /**
     * The listener's one database round trip per batch: in one transaction under the fence, marks
     * {@code published} (rows of earlier batches whose messages went out since) as emitted, finds which
     * of {@code signatures} were recorded before, reads the owners of {@code addresses}, and records the
     * rows {@code build} makes from them. When a concurrent writer won a key it falls back to one row at
     * a time ({@code build} runs again).
     */
    public Recorded recordBatch(List<String> signatures, java.util.Collection<String> addresses, RowBuilder build, List<String> published,
                                long token, long now) {
        try {
            return sqliteLocked(() -> ListenerWrites.inTransaction(db, c -> {
                ListenerWrites.fence(c, token);
                ListenerWrites.markEmitted(c, published);
                java.util.Set<String> known = ListenerWrites.known(c, signatures);
                Map<String, String> owners = ListenerWrites.owners(c, addresses);
                List<String> fresh = new java.util.ArrayList<>();
                List<Processed> rows = new java.util.ArrayList<>();
                java.util.Set<String> seen = new java.util.HashSet<>(known);
                for (Processed p : build.rows(owners, known)) {
                    if (!seen.add(p.signature())) continue;
                    rows.add(p);
                    fresh.add(p.signature());
                }
                ListenerWrites.insert(c, rows, token, now);
                return new Recorded(fresh, known);
            }));
        } catch (FencedException e) {
            throw e;
        } catch (RuntimeException e) { // a concurrent writer won a key: one at a time
            markEmitted(published);
            java.util.Set<String> known = new java.util.HashSet<>(processedAmong(signatures));
            List<String> fresh = new java.util.ArrayList<>();
            for (Processed p : build.rows(owners(List.copyOf(addresses)), known))
                if (recordProcessed(p.signature(), p.slot(), p.status(), p.events(), token, now)) fresh.add(p.signature());
                else known.add(p.signature());
            return new Recorded(fresh, known);
        }
    }

    /** Runs {@code work} holding this node's SQLite writer lock (none on PostgreSQL). */
    private <R> R sqliteLocked(java.util.function.Supplier<R> work) {
        if (db.kind() != Database.Kind.SQLITE) return work.get();
        sqliteWriter.lock();
        try {
            return work.get();
        } finally {
            sqliteWriter.unlock();
        }
    }

    /** Marks several recorded transactions as published. */
    public void markEmitted(List<String> signatures) {
        if (signatures.isEmpty()) return;
        ListenerWrites.once(db, c -> {
            ListenerWrites.markEmitted(c, signatures);
            return null;
        });
    }

    public void markEmitted(String signature) {
        db.useHandle(h -> h.createUpdate("UPDATE chain_processed SET emitted = 1 WHERE signature = ?").bind(0, signature).execute());
    }

    /** Processed transactions whose messages were not published yet (a leader died in between), oldest first. */
    public List<Unemitted> unemitted(int limit) {
        return db.withHandle(h -> h.createQuery("SELECT signature, events FROM chain_processed WHERE emitted = 0 ORDER BY processed_at LIMIT ?")
                .bind(0, limit).map((rs, c) -> new Unemitted(rs.getString(1), rs.getString(2))).list());
    }

    public long processedCount() {
        return db.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM chain_processed").mapTo(Long.class).one());
    }

    public Optional<String> cursor(String address) {
        return db.withHandle(h -> h.createQuery("SELECT signature FROM chain_cursor WHERE address = ?").bind(0, address)
                .mapTo(String.class).findOne());
    }

    /** Moves the durable cursor of {@code address}, under the fence. */
    public void setCursor(String address, String signature, long slot, long token, long now) {
        tx(h -> {
            fence(h, token);
            if (h.createUpdate("UPDATE chain_cursor SET signature = ?, slot = ?, updated_at = ? WHERE address = ?")
                    .bind(0, signature).bind(1, slot).bind(2, now).bind(3, address).execute() == 0)
                h.createUpdate("INSERT INTO chain_cursor (address, signature, slot, updated_at) VALUES (?, ?, ?, ?)")
                        .bind(0, address).bind(1, signature).bind(2, slot).bind(3, now).execute();
            return null;
        });
    }

    // --- wallets ---

    public void createNonce(String nonce, String userId, long expiresAt, long now) {
        db.useHandle(h -> {
            h.createUpdate("DELETE FROM chain_nonces WHERE expires_at <= ?").bind(0, now).execute();
            if (h.createQuery("SELECT COUNT(*) FROM chain_nonces WHERE user_id = ?").bind(0, userId).mapTo(Integer.class).one() >= 10)
                h.createUpdate("DELETE FROM chain_nonces WHERE user_id = ?").bind(0, userId).execute(); // bounded per user
            h.createUpdate("INSERT INTO chain_nonces (nonce, user_id, expires_at) VALUES (?, ?, ?)").bind(0, nonce).bind(1, userId)
                    .bind(2, expiresAt).execute();
        });
    }

    /** Uses a nonce up: true once, for its user, before it expires. */
    public boolean consumeNonce(String nonce, String userId, long now) {
        return db.withHandle(h -> h.createUpdate("DELETE FROM chain_nonces WHERE nonce = ? AND user_id = ? AND expires_at > ?")
                .bind(0, nonce).bind(1, userId).bind(2, now).execute() == 1);
    }

    /** Links {@code address} to {@code userId}; false when another user owns it. */
    public boolean linkWallet(String address, String userId, long now) {
        try {
            return write(h -> {
                Optional<String> owner = h.createQuery("SELECT user_id FROM chain_wallets WHERE address = ?").bind(0, address)
                        .mapTo(String.class).findOne();
                if (owner.isPresent()) return owner.get().equals(userId);
                h.createUpdate("INSERT INTO chain_wallets (address, user_id, linked_at) VALUES (?, ?, ?)").bind(0, address)
                        .bind(1, userId).bind(2, now).execute();
                return true;
            });
        } catch (RuntimeException e) {
            return ownerOf(address).map(userId::equals).orElseThrow(() -> e);
        }
    }

    public boolean unlinkWallet(String address, String userId) {
        return db.withHandle(h -> h.createUpdate("DELETE FROM chain_wallets WHERE address = ? AND user_id = ?").bind(0, address)
                .bind(1, userId).execute() == 1);
    }

    public List<String> wallets(String userId) {
        return db.withHandle(h -> h.createQuery("SELECT address FROM chain_wallets WHERE user_id = ? ORDER BY linked_at")
                .bind(0, userId).mapTo(String.class).list());
    }

    public Optional<String> ownerOf(String address) {
        return db.withHandle(h -> h.createQuery("SELECT user_id FROM chain_wallets WHERE address = ?").bind(0, address)
                .mapTo(String.class).findOne());
    }

    /** Owners of any of {@code addresses}: address -> user. */
    public Map<String, String> owners(List<String> addresses) {
        if (addresses.isEmpty()) return Map.of();
        return db.withHandle(h -> owners(h, addresses));
    }

    /**
     * Rows mapped by hand: a {@code GenericType} collector made JDBI resolve the generic type by
     * reflection on every call, a visible share of the listener's per-batch CPU in the profile.
     */
    private static Map<String, String> owners(Handle h, java.util.Collection<String> addresses) {
        if (addresses.isEmpty()) return Map.of();
        Map<String, String> out = new java.util.HashMap<>();
        h.createQuery("SELECT address, user_id FROM chain_wallets WHERE address IN (<a>)").bindList("a", List.copyOf(addresses))
                .map((rs, c) -> Map.entry(rs.getString(1), rs.getString(2))).forEach(e -> out.put(e.getKey(), e.getValue()));
        return out;
    }

    // --- rooms, payments, scores ---

    public void putRule(RoomRule r) {
        db.inTransaction(h -> {
            h.createUpdate("DELETE FROM chain_room_rules WHERE room = ?").bind(0, r.room()).execute();
            h.createUpdate("INSERT INTO chain_room_rules (room, recipient, mint, min_amount, score_rule, points, operator, reset, commitment) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")
                    .bind(0, r.room()).bind(1, r.recipient()).bind(2, r.mint()).bind(3, r.minAmount()).bind(4, r.scoreRule())
                    .bind(5, r.points()).bind(6, r.operator()).bind(7, r.reset()).bind(8, r.commitment()).execute();
            return null;
        });
    }

    public Optional<RoomRule> rule(String room) {
        return db.withHandle(h -> h.createQuery("SELECT room, recipient, mint, min_amount, score_rule, points, operator, reset, commitment "
                        + "FROM chain_room_rules WHERE room = ?").bind(0, room)
                .map(ChainStore::rule).findOne());
    }

    private static RoomRule rule(java.sql.ResultSet rs, org.jdbi.v3.core.statement.StatementContext c) throws java.sql.SQLException {
        return new RoomRule(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getString(5),
                rs.getLong(6), rs.getString(7), rs.getString(8), rs.getString(9));
    }

    public boolean paymentExists(String signature) {
        return db.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM chain_payments WHERE signature = ?").bind(0, signature)
                .mapTo(Integer.class).one() > 0);
    }

    /**
     * Stores a verified payment and applies its score to the room's board in one transaction:
     * {@link AlreadyUsedException} if the signature was used before (also by a concurrent submit).
     */
    public RankingRules.Applied recordPayment(String signature, String userId, RoomRule rule, long amount, long slot, String status,
                                              String period, long value, long now) {
        return recordPayment(signature, userId, rule, amount, slot, status, period, value, now, (before, after) -> {});
    }

    /** Called inside the payment's transaction, holding its score row, with the record before (null: none) and after. */
    public interface ScoreChange {
        void changed(RankingRules.Entry before, RankingRules.Entry after);
    }

    /**
     * As above; {@code onChange} runs inside the transaction after the score row was written (so two
     * payments of one user reach it one after the other, in commit order), and a failure there rolls
     * the payment back.
     */
    public RankingRules.Applied recordPayment(String signature, String userId, RoomRule rule, long amount, long slot, String status,
                                              String period, long value, long now, ScoreChange onChange) {
        RankingRules.Operator op = RankingRules.Operator.parse(rule.operator());
        try {
            return write(h -> {
                if (h.createQuery("SELECT COUNT(*) FROM chain_payments WHERE signature = ?").bind(0, signature).mapTo(Integer.class).one() > 0)
                    throw new AlreadyUsedException();
                h.createUpdate("INSERT INTO chain_payments (signature, user_id, room, amount, slot, status, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)")
                        .bind(0, signature).bind(1, userId).bind(2, rule.room()).bind(3, amount).bind(4, slot).bind(5, status).bind(6, now).execute();
                return applyScore(h, rule.room(), period, userId, op, value, now, onChange);
            });
        } catch (AlreadyUsedException e) {
            throw e;
        } catch (RuntimeException e) {
            if (paymentExists(signature)) throw new AlreadyUsedException(); // a concurrent submit won the key
            throw e;
        }
    }

    private RankingRules.Applied applyScore(Handle h, String room, String period, String userId, RankingRules.Operator op,
                                            long value, long now, ScoreChange onChange) {
        // PostgreSQL: lock the row, so concurrent payments of one user apply one after the other (no lost update)
        String lock = db.kind() == Database.Kind.POSTGRESQL ? " FOR UPDATE" : "";
        Optional<RankingRules.Entry> cur = h.createQuery("SELECT user_id, score, reached_at FROM chain_scores WHERE room = ? AND period = ? AND user_id = ?" + lock)
                .bind(0, room).bind(1, period).bind(2, userId)
                .map((rs, c) -> new RankingRules.Entry(rs.getString(1), rs.getLong(2), rs.getLong(3))).findOne();
        RankingRules.Applied a = RankingRules.apply(op, cur.orElse(null), value, now);
        if (cur.isEmpty())
            h.createUpdate("INSERT INTO chain_scores (room, period, user_id, score, reached_at) VALUES (?, ?, ?, ?, ?)")
                    .bind(0, room).bind(1, period).bind(2, userId).bind(3, a.score()).bind(4, a.reachedAt()).execute();
        else if (a.changed())
            h.createUpdate("UPDATE chain_scores SET score = ?, reached_at = ? WHERE room = ? AND period = ? AND user_id = ?")
                    .bind(0, a.score()).bind(1, a.reachedAt()).bind(2, room).bind(3, period).bind(4, userId).execute();
        if (a.changed()) onChange.changed(cur.orElse(null), new RankingRules.Entry(userId, a.score(), a.reachedAt()));
        return a;
    }

    /** A user's record on a board, or empty. */
    public Optional<RankingRules.Entry> entry(String room, String period, String userId) {
        return db.withHandle(h -> h.createQuery("SELECT user_id, score, reached_at FROM chain_scores WHERE room = ? AND period = ? AND user_id = ?")
                .bind(0, room).bind(1, period).bind(2, userId)
                .map((rs, c) -> new RankingRules.Entry(rs.getString(1), rs.getLong(2), rs.getLong(3))).findOne());
    }

    /** Every record of a board (unordered), at most {@code max}: the durable record the engine's ranking is rebuilt from. */
    public List<RankingRules.Entry> boardEntries(String room, String period, int max) {
        return db.withHandle(h -> h.createQuery("SELECT user_id, score, reached_at FROM chain_scores WHERE room = ? AND period = ? LIMIT ?")
                .bind(0, room).bind(1, period).bind(2, max)
                .map((rs, c) -> new RankingRules.Entry(rs.getString(1), rs.getLong(2), rs.getLong(3))).list());
    }

    /** Records of a board reached at or after {@code since} (ms). */
    public List<RankingRules.Entry> boardChangedSince(String room, String period, long since) {
        return db.withHandle(h -> h.createQuery("SELECT user_id, score, reached_at FROM chain_scores WHERE room = ? AND period = ? AND reached_at >= ?")
                .bind(0, room).bind(1, period).bind(2, since)
                .map((rs, c) -> new RankingRules.Entry(rs.getString(1), rs.getLong(2), rs.getLong(3))).list());
    }

    /** Every room with a payment rule (bounded by the admin-made rules). */
    public List<RoomRule> rules() {
        return db.withHandle(h -> h.createQuery("SELECT room, recipient, mint, min_amount, score_rule, points, operator, reset, commitment "
                + "FROM chain_room_rules").map(ChainStore::rule).list());
    }

    private static final String ORDER = " ORDER BY score DESC, reached_at ASC, user_id DESC";

    /** Records ranked {@code offset..offset+limit} (0-based) of a board, in {@link RankingRules#ORDER}. */
    public List<RankingRules.Entry> board(String room, String period, int offset, int limit) {
        return db.withHandle(h -> h.createQuery("SELECT user_id, score, reached_at FROM chain_scores WHERE room = ? AND period = ?"
                        + ORDER + " LIMIT ? OFFSET ?").bind(0, room).bind(1, period).bind(2, limit).bind(3, offset)
                .map((rs, c) -> new RankingRules.Entry(rs.getString(1), rs.getLong(2), rs.getLong(3))).list());
    }

    /** A user's 0-based rank on a board, or empty when it has no record there. */
    public Optional<Long> rank(String room, String period, String userId) {
        return db.withHandle(h -> {
            Optional<RankingRules.Entry> me = h.createQuery("SELECT user_id, score, reached_at FROM chain_scores WHERE room = ? AND period = ? AND user_id = ?")
                    .bind(0, room).bind(1, period).bind(2, userId)
                    .map((rs, c) -> new RankingRules.Entry(rs.getString(1), rs.getLong(2), rs.getLong(3))).findOne();
            return me.map(e -> h.createQuery("SELECT COUNT(*) FROM chain_scores WHERE room = ? AND period = ? AND (score > ? OR (score = ? AND "
                            + "(reached_at < ? OR (reached_at = ? AND user_id > ?))))")
                    .bind(0, room).bind(1, period).bind(2, e.score()).bind(3, e.score()).bind(4, e.reachedAt()).bind(5, e.reachedAt())
                    .bind(6, userId).mapTo(Long.class).one());
        });
    }

    public long boardSize(String room, String period) {
        return db.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM chain_scores WHERE room = ? AND period = ?").bind(0, room)
                .bind(1, period).mapTo(Long.class).one());
    }

    /** The periods a room's board has records for, newest first (history). */
    public List<String> periods(String room) {
        return db.withHandle(h -> h.createQuery("SELECT DISTINCT period FROM chain_scores WHERE room = ? ORDER BY period DESC LIMIT 100")
                .bind(0, room).mapTo(String.class).list());
    }
}
