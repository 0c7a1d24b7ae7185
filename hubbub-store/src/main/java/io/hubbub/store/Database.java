package io.hubbub.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.hubbub.core.protocol.HubbubException;
import org.flywaydb.core.Flyway;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.HandleCallback;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.JdbiException;

import javax.sql.DataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The durable store: a HikariCP pool on SQLite (embedded default) or PostgreSQL, Flyway migrations from
 * {@code classpath:db/migration} (one set of SQL files for both databases) and a Jdbi instance for the
 * repositories.
 *
 * <p><b>Blocking</b>: every method except {@link #close()} may block on I/O; call from virtual threads, never
 * from an event loop. Thread-safe.
 *
 * <p>The pool is created even when the database is down ({@code initializationFailTimeout = -1}), so a server
 * can start, report "not ready" through {@link #ping()} and recover when the database comes back. Callers
 * that cannot get a connection within {@link #CONNECTION_TIMEOUT} get {@code unavailable}.
 */
public final class Database implements AutoCloseable {

    /** The databases Hubbub supports. */
    public enum Kind { SQLITE, POSTGRESQL }

    /** Name of the embedded database file inside the data directory. */
    public static final String SQLITE_FILE = "hubbub.db";
    /** Longest a caller waits for a pooled connection before getting {@code unavailable}. */
    public static final Duration CONNECTION_TIMEOUT = Duration.ofSeconds(3);
    /** Default timeout of {@link #ping()}. */
    public static final Duration PING_TIMEOUT = Duration.ofSeconds(2);
    /** Default pool sizes: SQLite has one writer at a time anyway; PostgreSQL serves a 2-core node well with 8. */
    public static final int DEFAULT_SQLITE_POOL = 4;
    public static final int DEFAULT_POSTGRES_POOL = 8;
    /** How long SQLite waits for the write lock before failing with SQLITE_BUSY. */
    static final int SQLITE_BUSY_TIMEOUT_MS = 5000;

    private final Kind kind;
    private final HikariDataSource dataSource;
    private final Jdbi jdbi;

    private Database(Kind kind, HikariDataSource dataSource) {
        this.kind = kind;
        this.dataSource = dataSource;
        this.jdbi = Jdbi.create(dataSource);
    }

    /** The embedded default: SQLite at {@code <dataDir>/hubbub.db}, creating the directory if needed. */
    public static Database sqlite(Path dataDir) {
        return open("jdbc:sqlite:" + dataDir.resolve(SQLITE_FILE).toAbsolutePath(), null, null, 0);
    }

    /** Opens a pool with the default size and no credentials (or credentials inside the URL). */
    public static Database open(String jdbcUrl) {
        return open(jdbcUrl, null, null, 0);
    }

    /**
     * Opens a pool. Does not migrate: call {@link #migrate()} before using the repositories.
     *
     * @param jdbcUrl  {@code jdbc:sqlite:<file>} or {@code jdbc:postgresql://host:port/db}
     * @param user     user name, or null
     * @param password password, or null
     * @param poolSize most pooled connections; 0 or less for the default of the database kind
     * @throws IllegalArgumentException for an unsupported or unusable URL (a configuration error)
     */
    public static Database open(String jdbcUrl, String user, String password, int poolSize) {
        Kind kind = kindOf(jdbcUrl);
        HikariConfig config = new HikariConfig();
        config.setPoolName("hubbub-db");
        config.setJdbcUrl(jdbcUrl);
        if (user != null) config.setUsername(user);
        if (password != null) config.setPassword(password);
        config.setConnectionTimeout(CONNECTION_TIMEOUT.toMillis());
        config.setValidationTimeout(1000);
        config.setInitializationFailTimeout(-1);
        switch (kind) {
            case SQLITE -> {
                createParentDirectory(jdbcUrl);
                config.setMaximumPoolSize(poolSize > 0 ? poolSize : DEFAULT_SQLITE_POOL);
                // Passed to the driver as connection properties: applied to every pooled connection.
                config.addDataSourceProperty("journal_mode", "WAL");
                config.addDataSourceProperty("busy_timeout", String.valueOf(SQLITE_BUSY_TIMEOUT_MS));
                config.addDataSourceProperty("foreign_keys", "true");
            }
            case POSTGRESQL -> {
                config.setMaximumPoolSize(poolSize > 0 ? poolSize : DEFAULT_POSTGRES_POOL);
                config.setMinimumIdle(1);
                config.addDataSourceProperty("connectTimeout", "3");
                config.addDataSourceProperty("socketTimeout", "30");
                config.addDataSourceProperty("tcpKeepAlive", "true");
            }
        }
        return new Database(kind, new HikariDataSource(config));
    }

    static Kind kindOf(String jdbcUrl) {
        if (jdbcUrl == null) throw new IllegalArgumentException("database url is required");
        if (jdbcUrl.startsWith("jdbc:sqlite:")) return Kind.SQLITE;
        if (jdbcUrl.startsWith("jdbc:postgresql:")) return Kind.POSTGRESQL;
        throw new IllegalArgumentException(
                "unsupported database url (expected jdbc:sqlite:<file> or jdbc:postgresql://host/db)");
    }

    private static void createParentDirectory(String jdbcUrl) {
        String file = jdbcUrl.substring("jdbc:sqlite:".length());
        if (file.startsWith("file:")) file = file.substring("file:".length());
        int query = file.indexOf('?');
        if (query >= 0) file = file.substring(0, query);
        if (file.isEmpty() || file.contains(":memory:") || file.contains("mode=memory")) {
            // Each pooled connection would get its own empty database.
            throw new IllegalArgumentException("in-memory SQLite is not supported; give a database file");
        }
        Path db = Path.of(file).toAbsolutePath();
        Path parent = db.getParent();
        try {
            if (parent != null && !Files.exists(parent)) {
                Files.createDirectories(parent);
                ownerOnly(parent, "rwx------");
            }
            // The file holds password hashes: created owner-only (SQLite gives its -wal and -shm files the
            // database file's mode), and tightened to owner-only if an older version left it readable.
            if (posix(db) && !Files.exists(db)) {
                Files.createFile(db, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            for (String suffix : new String[] {"", "-wal", "-shm"}) {
                Path f = Path.of(db + suffix);
                if (Files.exists(f)) ownerOnly(f, "rw-------");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the database file " + db, e);
        }
    }

    private static boolean posix(Path p) {
        Path existing = p;
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        return existing != null && Files.getFileAttributeView(existing, PosixFileAttributeView.class) != null;
    }

    /** Sets owner-only permissions where the file system has POSIX permissions (not on Windows). */
    private static void ownerOnly(Path p, String permissions) throws IOException {
        if (Files.getFileAttributeView(p, PosixFileAttributeView.class) != null) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(permissions));
        }
    }

    /**
     * Applies pending migrations; safe to run any number of times (already applied ones are skipped).
     * Used at startup and by {@code hubbub migrate}.
     *
     * @return the number of migrations applied by this call
     * @throws HubbubException {@code unavailable} if the database cannot be reached
     */
    public int migrate() {
        return runMigrations("classpath:db/migration", "flyway_schema_history");
    }

    /**
     * Applies a feature's migrations from {@code classpath:<location>} with its own history table
     * ({@code flyway_<feature>_history}), so features migrate independently of the core and of each
     * other. The same placeholders as the core's ({@code ${collate_binary}}) are available.
     *
     * @return the number of migrations applied by this call
     * @throws HubbubException {@code unavailable} if the database cannot be reached
     */
    public int migrate(String feature, String location) {
        if (!feature.matches("[a-z][a-z0-9]*")) throw new IllegalArgumentException("feature name '" + feature + "'");
        return runMigrations("classpath:" + location, "flyway_" + feature + "_history");
    }

    private int runMigrations(String location, String historyTable) {
        ping(); // a down database fails here within PING_TIMEOUT, with its reason, instead of inside Flyway
        Flyway flyway = Flyway.configure()
                .dataSource(dataSource)
                .locations(location)
                .table(historyTable)
                .baselineOnMigrate(!historyTable.equals("flyway_schema_history"))
                .baselineVersion("0")
                .placeholders(Map.of("collate_binary", kind == Kind.POSTGRESQL ? "COLLATE \"C\"" : ""))
                .connectRetries(0)
                .load();
        try {
            return flyway.migrate().migrationsExecuted;
        } catch (RuntimeException e) {
            if (isConnectionFailure(e)) throw unavailable(e);
            throw e;
        }
    }

    /** Checks that the database answers, within {@link #PING_TIMEOUT}. */
    public void ping() {
        ping(PING_TIMEOUT);
    }

    /**
     * Checks that the database answers within {@code timeout}.
     *
     * @throws HubbubException {@code unavailable} with the reason when it does not
     */
    public void ping(Duration timeout) {
        if (dataSource.isClosed()) throw HubbubException.unavailable("database unavailable: closed");
        // Run on a virtual thread so the caller waits at most `timeout`, not the pool's connection timeout.
        CompletableFuture<Boolean> check = new CompletableFuture<>();
        Thread.ofVirtual().name("hubbub-db-ping").start(() -> {
            try (Connection c = dataSource.getConnection()) {
                check.complete(c.isValid((int) Math.max(1, timeout.toSeconds())));
            } catch (Throwable t) {
                check.completeExceptionally(t);
            }
        });
        try {
            if (!check.get(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw HubbubException.unavailable("database unavailable: connection is not valid");
            }
        } catch (TimeoutException e) {
            throw HubbubException.unavailable("database unavailable: no answer within " + timeout.toMillis() + " ms");
        } catch (ExecutionException e) {
            throw unavailable(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw HubbubException.unavailable("database unavailable: interrupted");
        }
    }

    /** Runs {@code callback} with a handle; connection failures become {@code unavailable}. Blocking. */
    public <R> R withHandle(HandleCallback<R, RuntimeException> callback) {
        try {
            return jdbi.withHandle(callback);
        } catch (JdbiException e) {
            // Repository errors can reach clients: no host names or driver text, just the stable code.
            if (isConnectionFailure(e)) throw HubbubException.unavailable("database unavailable");
            throw e;
        }
    }

    /** Like {@link #withHandle} inside one transaction. Blocking. */
    public <R> R inTransaction(HandleCallback<R, RuntimeException> callback) {
        return withHandle(h -> h.inTransaction(callback));
    }

    public void useHandle(java.util.function.Consumer<Handle> consumer) {
        withHandle(h -> {
            consumer.accept(h);
            return null;
        });
    }

    public Kind kind() {
        return kind;
    }

    public Jdbi jdbi() {
        return jdbi;
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** Closes the pool; in-flight calls fail with {@code unavailable}. Idempotent. */
    @Override
    public void close() {
        dataSource.close();
    }

    static boolean isConnectionFailure(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof SQLTransientConnectionException || c instanceof SQLNonTransientConnectionException) {
                return true;
            }
            if (c instanceof SQLException s && s.getSQLState() != null
                    && (s.getSQLState().startsWith("08") || s.getSQLState().startsWith("57P"))) {
                return true; // class 08: connection exception; 57P0x: server shut down or starting up
            }
            if (c instanceof org.jdbi.v3.core.ConnectionException) return true;
            if (c.getCause() == c) break;
        }
        return false;
    }

    /**
     * An {@code unavailable} error naming the root cause (driver text such as "connection refused"), for
     * operators: {@link #ping()} (readiness) and {@link #migrate()} (startup, CLI). Never includes credentials.
     */
    static HubbubException unavailable(Throwable t) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        String reason = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        if (reason.length() > 160) reason = reason.substring(0, 160);
        return HubbubException.unavailable("database unavailable: " + reason);
    }
}
