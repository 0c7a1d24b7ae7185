package io.hubbub.store;

import io.hubbub.core.auth.Role;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.store.User;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.jdbi.v3.core.JdbiException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Opening, migrating, configuring and health-checking real SQLite and PostgreSQL databases. */
class DatabaseTest {

    @TempDir
    Path dir;

    private static User user(String id, String name) {
        return new User(id, name, name, null, Role.USER, null, 1L);
    }

    @Test
    void sqliteCreatesItsDirectoryAndRunsInWalWithForeignKeysAndBusyTimeout() {
        Path dataDir = dir.resolve("not/yet/there");
        try (Database db = Database.sqlite(dataDir)) {
            assertThat(db.kind()).isEqualTo(Database.Kind.SQLITE);
            assertThat(db.migrate()).isPositive();
            assertThat(Files.isRegularFile(dataDir.resolve(Database.SQLITE_FILE))).isTrue();
            // Ask several pooled connections: every one must carry the settings.
            for (int i = 0; i < 3; i++) {
                db.useHandle(h -> {
                    assertThat(h.createQuery("PRAGMA journal_mode").mapTo(String.class).one()).isEqualToIgnoringCase("wal");
                    assertThat(h.createQuery("PRAGMA foreign_keys").mapTo(Integer.class).one()).isEqualTo(1);
                    assertThat(h.createQuery("PRAGMA busy_timeout").mapTo(Integer.class).one())
                            .isEqualTo(Database.SQLITE_BUSY_TIMEOUT_MS);
                });
            }
            // Foreign keys are enforced, not just declared.
            assertThatThrownBy(() -> db.useHandle(h -> h.execute(
                    "INSERT INTO room_members (room_id, user_id, added_at) VALUES ('no-room', 'u', 1)")))
                    .isInstanceOf(JdbiException.class);
        }
    }

    @Test
    void migrationsAreIdempotentOnSqliteAndKeepData() {
        try (Database db = Database.sqlite(dir)) {
            assertThat(db.migrate()).isPositive();
            new JdbiUserRepository(db).create(user("u-1", "kept"));
            assertThat(db.migrate()).isZero();
        }
        // A restart: a new pool on the same file migrates nothing and still has the user.
        try (Database db = Database.sqlite(dir)) {
            assertThat(db.migrate()).isZero();
            assertThat(new JdbiUserRepository(db).findByUsername("KEPT")).map(User::id).contains("u-1");
        }
    }

    @Test
    void migrationsAreIdempotentOnPostgres() {
        String url = EmbeddedPostgresHolder.freshDatabaseUrl();
        try (Database db = Database.open(url)) {
            assertThat(db.kind()).isEqualTo(Database.Kind.POSTGRESQL);
            assertThat(db.migrate()).isPositive();
            new JdbiUserRepository(db).create(user("u-1", "kept"));
            assertThat(db.migrate()).isZero();
        }
        try (Database db = Database.open(url)) {
            assertThat(db.migrate()).isZero();
            assertThat(new JdbiUserRepository(db).count()).isEqualTo(1);
            db.ping();
        }
    }

    /** The node-wide revocation view's bulk read (indexed by V2_2), on both databases, with its overflow marker. */
    @Test
    void revokedAfterListsTheRecentRevocationsOnBothDatabases() {
        try (Database sqlite = Database.sqlite(dir); Database pg = Database.open(EmbeddedPostgresHolder.freshDatabaseUrl())) {
            for (Database db : java.util.List.of(sqlite, pg)) {
                db.migrate();
                JdbiUserRepository users = new JdbiUserRepository(db);
                for (int i = 0; i < 4; i++) users.create(user("r-" + i, "revoked" + i));
                users.create(user("r-never", "never"));
                users.revokeTokens("r-0", 1_000);
                for (int i = 1; i < 4; i++) users.revokeTokens("r-" + i, 5_000 + i);
                assertThat(users.revokedAfter(2_000, 10)).containsOnly(
                        java.util.Map.entry("r-1", 5_001L), java.util.Map.entry("r-2", 5_002L), java.util.Map.entry("r-3", 5_003L));
                assertThat(users.revokedAfter(2_000, 2)).hasSize(3); // limit + 1: "there are more"
                assertThat(users.revokedAfter(9_000, 10)).isEmpty();
            }
        }
    }

    @Test
    void pingAnswersForLiveDatabases() {
        try (Database sqlite = Database.sqlite(dir); Database pg = Database.open(EmbeddedPostgresHolder.freshDatabaseUrl())) {
            sqlite.ping();
            pg.ping();
        }
    }

    @Test
    void postgresGoingDownMakesPingAndRepositoriesFailFastWithUnavailable() throws Exception {
        EmbeddedPostgres own = EmbeddedPostgres.builder().start();
        Database db = Database.open(own.getJdbcUrl("postgres", "postgres"));
        try {
            db.migrate();
            db.ping();
            JdbiUserRepository users = new JdbiUserRepository(db);
            users.create(user("u-1", "before"));

            own.close(); // the database goes away under a running pool

            long start = System.nanoTime();
            assertThatThrownBy(() -> db.ping(Duration.ofSeconds(1)))
                    .isInstanceOfSatisfying(HubbubException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
                        assertThat(e.getMessage()).startsWith("database unavailable");
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));

            start = System.nanoTime();
            assertThatThrownBy(() -> users.findById("u-1"))
                    .isInstanceOfSatisfying(HubbubException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
                        // may reach a client: no host, port or driver text
                        assertThat(e.getMessage()).isEqualTo("database unavailable");
                    });
            assertThat(Duration.ofNanos(System.nanoTime() - start))
                    .isLessThan(Database.CONNECTION_TIMEOUT.plusSeconds(3));
        } finally {
            db.close();
            own.close();
        }
    }

    @Test
    void unreachablePostgresGivesUnavailableFromPingAndMigrate() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort(); // free, and nothing listens once closed
        }
        try (Database db = Database.open("jdbc:postgresql://127.0.0.1:" + port + "/hubbub", "hubbub", "secret-pw", 2)) {
            assertThatThrownBy(db::ping)
                    .isInstanceOfSatisfying(HubbubException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
                        assertThat(e.getMessage()).startsWith("database unavailable").doesNotContain("secret-pw");
                    });
            assertThatThrownBy(db::migrate)
                    .isInstanceOfSatisfying(HubbubException.class,
                            e -> assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE));
        }
    }

    @Test
    void closedDatabaseIsUnavailable() {
        Database db = Database.sqlite(dir);
        db.close();
        assertThatThrownBy(db::ping).isInstanceOfSatisfying(HubbubException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.UNAVAILABLE);
            assertThat(e.getMessage()).contains("closed");
        });
    }

    @Test
    void unsupportedUrlsAreRejectedClearly() {
        assertThatThrownBy(() -> Database.open("jdbc:mysql://localhost/x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unsupported database url");
        assertThatThrownBy(() -> Database.open("jdbc:sqlite::memory:"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("in-memory");
        assertThatThrownBy(() -> Database.open(null))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
