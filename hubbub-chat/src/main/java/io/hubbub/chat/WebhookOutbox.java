package io.hubbub.chat;

import io.hubbub.store.Database;
import org.jdbi.v3.core.Handle;

import java.util.List;
import java.util.UUID;

/**
 * The push webhook's durable queue (table {@code chat_webhook_outbox}, migration V2): rows are added in
 * the transaction that stores their notification, claimed by one node at a time with a lease, and
 * removed when delivered or given up. Methods block (database).
 *
 * <p>Claiming is one {@code UPDATE … RETURNING} whose condition includes "not leased" on the row
 * itself: SQLite runs one writer at a time, and PostgreSQL re-checks that condition on a row another
 * transaction just claimed (and {@code SKIP LOCKED} passes over rows being claimed), so two nodes never
 * hold a lease on the same row. A claim token is new per claim, so a late answer to an expired claim
 * cannot delete or reschedule a row someone else claimed since.
 */
final class WebhookOutbox {
    /** A claimed delivery: the attempts made before this one. */
    record Claimed(String id, String body, int attempts, String token) {}

    private final Database db;

    WebhookOutbox(Database db) {
        this.db = db;
    }

    /** Adds a delivery due now, in the caller's transaction (the one storing the notification). */
    static void add(Handle h, String id, String userId, String body, long now) {
        h.execute("INSERT INTO chat_webhook_outbox (id, user_id, body, attempts, due_at, lease_until, created_at) VALUES (?, ?, ?, 0, ?, 0, ?)",
                id, userId, body, now, now);
    }

    /** Claims up to {@code max} due, unleased rows until {@code now + leaseMillis}; oldest due first. */
    List<Claimed> claim(int max, long now, long leaseMillis) {
        String token = UUID.randomUUID().toString();
        String skipLocked = db.kind() == Database.Kind.POSTGRESQL ? " FOR UPDATE SKIP LOCKED" : "";
        return ChatStore.write(db, h -> h.createQuery("UPDATE chat_webhook_outbox SET lease_owner = ?, lease_until = ? "
                        + "WHERE lease_until <= ? AND id IN (SELECT id FROM chat_webhook_outbox WHERE due_at <= ? AND lease_until <= ? "
                        + "ORDER BY due_at LIMIT ?" + skipLocked + ") RETURNING id, body, attempts")
                .bind(0, token).bind(1, now + leaseMillis).bind(2, now).bind(3, now).bind(4, now).bind(5, max)
                .map((rs, c) -> new Claimed(rs.getString(1), rs.getString(2), rs.getInt(3), token)).list());
    }

    /** Delivered (or given up): the row goes, if the claim is still ours. */
    void remove(Claimed c) {
        db.useHandle(h -> h.execute("DELETE FROM chat_webhook_outbox WHERE id = ? AND lease_owner = ?", c.id(), c.token()));
    }

    /** A failed attempt: due again at {@code dueAt}, unleased, if the claim is still ours. */
    void retryAt(Claimed c, long dueAt) {
        db.useHandle(h -> h.execute("UPDATE chat_webhook_outbox SET attempts = attempts + 1, due_at = ?, lease_owner = NULL, lease_until = 0 "
                + "WHERE id = ? AND lease_owner = ?", dueAt, c.id(), c.token()));
    }

    /** Gives a claim back without an attempt (shutting down): due again at once, for any node. */
    void release(Claimed c) {
        db.useHandle(h -> h.execute("UPDATE chat_webhook_outbox SET lease_owner = NULL, lease_until = 0 WHERE id = ? AND lease_owner = ?",
                c.id(), c.token()));
    }

    /** Rows waiting (delivered ones are gone). */
    long size() {
        return db.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM chat_webhook_outbox").mapTo(Long.class).one());
    }
}
