package io.hubbub.chat;

import org.jdbi.v3.core.Handle;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Plain JDBC for statements generated per batch (multi-row VALUES lists of {@link BatchCommit}, the
 * IN lists of {@link ConnectReplay} and {@link PresenceVisibility}): their SQL text changes with every
 * batch size, so it bypasses Jdbi's parsing (an ANTLR lex per new text, then cached). Binds only strings,
 * longs and nulls; a failure surfaces as Jdbi's {@code UnableToExecuteStatementException}, like any
 * other statement of the store. Blocks on the caller's handle (and its transaction).
 */
final class GeneratedSql {
    private GeneratedSql() { }

    /**
     * Rows (or keys, or chats) per generated statement: 10 columns each stays far below both
     * databases' parameter limits (32,766). The generated statements go to JDBC directly: Jdbi would
     * parse each new SQL text (every batch size is a new text), which profiling showed to be most
     * of the writer's CPU.
     */
    static final int ROWS_PER_STATEMENT = 250;

    interface RowSink {
        void accept(ResultSet rs) throws SQLException;
    }

    static <T> void chunked(List<T> all, java.util.function.Consumer<List<T>> each) {
        for (int from = 0; from < all.size(); from += ROWS_PER_STATEMENT)
            each.accept(all.subList(from, Math.min(all.size(), from + ROWS_PER_STATEMENT)));
    }

    static String marks(int n, String one) {
        StringBuilder b = new StringBuilder(n * (one.length() + 2));
        for (int i = 0; i < n; i++) b.append(i == 0 ? "" : ", ").append(one);
        return b.toString();
    }

    static void query(Handle h, String sql, List<Object> args, RowSink sink) {
        try (java.sql.PreparedStatement st = h.getConnection().prepareStatement(sql)) {
            bind(st, args);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) sink.accept(rs);
            }
        } catch (SQLException e) {
            throw new org.jdbi.v3.core.statement.UnableToExecuteStatementException(e, null);
        }
    }

    static void update(Handle h, String sql, List<Object> args) {
        try (java.sql.PreparedStatement st = h.getConnection().prepareStatement(sql)) {
            bind(st, args);
            st.executeUpdate();
        } catch (SQLException e) {
            throw new org.jdbi.v3.core.statement.UnableToExecuteStatementException(e, null);
        }
    }

    static void bind(java.sql.PreparedStatement st, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            Object v = args.get(i);
            if (v == null) st.setNull(i + 1, java.sql.Types.VARCHAR);
            else if (v instanceof Long l) st.setLong(i + 1, l);
            else st.setString(i + 1, (String) v);
        }
    }

    static boolean isPostgres(Handle h) {
        try {
            return h.getConnection().getMetaData().getDatabaseProductName().toLowerCase(java.util.Locale.ROOT).contains("postgres");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }
}
