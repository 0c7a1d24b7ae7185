package io.hubbub.server.config;

import io.hubbub.core.config.Doc;
import io.hubbub.core.config.Durations;
import io.hubbub.core.config.Checks;

import java.nio.file.Path;
import java.time.Duration;

/** The database: SQLite under dataDir by default, PostgreSQL (or another JDBC URL) in production. */
public record StorageConfig(
        @Doc("Directory for the SQLite database and other data files; created if missing.") String dataDir,
        @Doc("JDBC URL, e.g. jdbc:postgresql://db:5432/hubbub; empty uses SQLite at <dataDir>/hubbub.db.") String jdbcUrl,
        @Doc("Database user (PostgreSQL).") String user,
        @Doc("Database password (PostgreSQL).") String password,
        @Doc("Size of the database connection pool.") int poolSize,
        @Doc("Time to wait for a database connection before failing the request.") Duration connectTimeout) {

    public static StorageConfig defaults() {
        return new StorageConfig("./data", "", "", "", 8, Duration.ofSeconds(5));
    }

    /** The JDBC URL in use: the configured one, or the embedded SQLite file. */
    public String effectiveJdbcUrl() {
        return jdbcUrl.isBlank() ? "jdbc:sqlite:" + Path.of(dataDir, "hubbub.db") : jdbcUrl;
    }

    /** The effective JDBC URL with any password parameter replaced, for logs and banners. */
    public String maskedJdbcUrl() {
        return effectiveJdbcUrl().replaceAll("(?i)(password=)[^&;]*", "$1***");
    }

    void validate(Checks c) {
        c.notBlank("storage.dataDir", dataDir);
        if (!jdbcUrl.isBlank() && !jdbcUrl.startsWith("jdbc:"))
            c.fail("storage.jdbcUrl", "must start with jdbc: (e.g. jdbc:postgresql://db:5432/hubbub), got '" + jdbcUrl + "'");
        c.range("storage.poolSize", poolSize, 1, 1000);
        c.positive("storage.connectTimeout", connectTimeout);
    }

    /** Never prints the password: this record may end up in a log line. */
    @Override
    public String toString() {
        return "StorageConfig[dataDir=" + dataDir + ", jdbcUrl=" + maskedJdbcUrl() + ", user=" + user
                + ", password=" + (password.isEmpty() ? "" : "***") + ", poolSize=" + poolSize
                + ", connectTimeout=" + Durations.format(connectTimeout) + "]";
    }
}
