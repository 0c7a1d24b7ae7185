package io.hubbub.chain;

import io.hubbub.core.protocol.HubbubException;
import io.hubbub.store.Database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The listener's per-batch statements ({@link ChainStore#recordBatch}, marking rows published) in plain
 * JDBC on a pooled connection. They run once per live batch, hundreds of times a second at high
 * rates, and JDBI's per-handle and per-statement work (a copied config registry per handle, SQL
 * templating and parsing of every {@code IN (<list>)}, argument factories) was most of the listener's
 * database CPU in the run-C profile, not SQLite. Same SQL on SQLite and PostgreSQL; the caller holds
 * the SQLite writer lock.
 */
final class ListenerWrites {
    private ListenerWrites() {}

    /** One unit of work on a connection inside a transaction. */
    interface Work<R> {
        R run(Connection c) throws SQLException;
    }

    /** Runs {@code work} in one transaction; SQL failures become runtime exceptions (connection failures {@code unavailable}). */
    static <R> R inTransaction(Database db, Work<R> work) {
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try {
                R r = work.run(c);
                c.commit();
                return r;
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // the connection is broken: the pool discards it
                }
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    /** Runs {@code work} outside a transaction (one autocommitted statement). */
    static <R> R once(Database db, Work<R> work) {
        try (Connection c = db.dataSource().getConnection()) {
            return work.run(c);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private static RuntimeException failure(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause())
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException)
                return HubbubException.unavailable("database unavailable");
        return new IllegalStateException("chain listener write failed: " + e.getMessage(), e);
    }

    /** Moves the fence to {@code token}; {@link ChainStore.FencedException} when a newer token wrote. */
    static void fence(Connection c, long token) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("UPDATE chain_fence SET token = ? WHERE id = 1 AND token <= ?")) {
            ps.setLong(1, token);
            ps.setLong(2, token);
            if (ps.executeUpdate() != 1) throw new ChainStore.FencedException(token);
        }
    }

    /** Marks rows published. */
    static void markEmitted(Connection c, List<String> signatures) throws SQLException {
        if (signatures.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement("UPDATE chain_processed SET emitted = 1 WHERE signature IN (" + marks(signatures.size()) + ")")) {
            bind(ps, 1, signatures);
            ps.executeUpdate();
        }
    }

    /** Which of {@code signatures} are recorded. */
    static Set<String> known(Connection c, Collection<String> signatures) throws SQLException {
        Set<String> out = new HashSet<>();
        if (signatures.isEmpty()) return out;
        try (PreparedStatement ps = c.prepareStatement("SELECT signature FROM chain_processed WHERE signature IN (" + marks(signatures.size()) + ")")) {
            bind(ps, 1, signatures);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.add(rs.getString(1));
            }
        }
        return out;
    }

    /** Owners of any of {@code addresses}: address -> user. */
    static Map<String, String> owners(Connection c, Collection<String> addresses) throws SQLException {
        Map<String, String> out = new HashMap<>();
        if (addresses.isEmpty()) return out;
        try (PreparedStatement ps = c.prepareStatement("SELECT address, user_id FROM chain_wallets WHERE address IN (" + marks(addresses.size()) + ")")) {
            bind(ps, 1, addresses);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) out.put(rs.getString(1), rs.getString(2));
            }
        }
        return out;
    }

    /** Inserts rows (signatures not recorded yet: the caller checked under the same transaction). */
    static void insert(Connection c, List<ChainStore.Processed> rows, long token, long now) throws SQLException {
        if (rows.isEmpty()) return;
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO chain_processed (signature, slot, status, events, emitted, fence, processed_at) VALUES (?, ?, ?, ?, 0, ?, ?)")) {
            for (ChainStore.Processed p : rows) {
                ps.setString(1, p.signature());
                ps.setLong(2, p.slot());
                ps.setString(3, p.status());
                ps.setString(4, p.events());
                ps.setLong(5, token);
                ps.setLong(6, now);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /**
     * {@code n} placeholders. Lists are at most a batch of signatures (64) or a batch's addresses
     * (bounded by the transactions' account lists), far below either database's parameter limit.
     */
    private static String marks(int n) {
        StringBuilder sb = new StringBuilder(n * 3);
        for (int i = 0; i < n; i++) sb.append(i == 0 ? "?" : ", ?");
        return sb.toString();
    }

    private static void bind(PreparedStatement ps, int from, Collection<String> values) throws SQLException {
        int i = from;
        for (String v : values) ps.setString(i++, v);
    }
}
