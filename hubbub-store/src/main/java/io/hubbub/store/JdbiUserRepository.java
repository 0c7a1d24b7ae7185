package io.hubbub.store;

import io.hubbub.core.auth.Role;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.store.User;
import io.hubbub.core.store.UserRepository;
import org.jdbi.v3.core.mapper.RowMapper;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Accounts in the {@code users} table, on SQLite or PostgreSQL.
 *
 * <p><b>Blocking</b> (JDBC): never call on an event loop. Thread-safe. Usernames are unique
 * case-insensitively through the {@code username_key} column (the username lower-cased with
 * {@link Locale#ROOT}); the username keeps the case it was created with. A database that cannot be reached
 * gives {@code unavailable}.
 */
public final class JdbiUserRepository implements UserRepository {

    private static final String COLUMNS =
            "id, username, display_name, avatar_url, role, password_hash, created_at";

    private static final RowMapper<User> MAPPER = (rs, ctx) -> new User(
            rs.getString("id"),
            rs.getString("username"),
            rs.getString("display_name"),
            rs.getString("avatar_url"),
            Role.parse(rs.getString("role")),
            rs.getString("password_hash"),
            rs.getLong("created_at"));

    private final Database db;

    public JdbiUserRepository(Database db) {
        this.db = Objects.requireNonNull(db, "db");
    }

    static String key(String username) {
        return username.toLowerCase(Locale.ROOT);
    }

    @Override
    public User create(User user) {
        Objects.requireNonNull(user.id(), "id");
        Objects.requireNonNull(user.username(), "username");
        Objects.requireNonNull(user.role(), "role");
        // ON CONFLICT DO NOTHING (SQLite 3.24+, PostgreSQL 9.5+) instead of catching vendor-specific
        // constraint errors: a taken id or username inserts no row, and the statement never aborts the
        // surrounding PostgreSQL transaction.
        int inserted = db.withHandle(h -> h.createUpdate("""
                        INSERT INTO users (id, username, username_key, display_name, avatar_url, role,
                                           password_hash, created_at)
                        VALUES (:id, :username, :key, :displayName, :avatarUrl, :role, :passwordHash, :createdAt)
                        ON CONFLICT DO NOTHING""")
                .bind("id", user.id())
                .bind("username", user.username())
                .bind("key", key(user.username()))
                .bind("displayName", user.displayName() == null ? user.username() : user.displayName())
                .bind("avatarUrl", user.avatarUrl())
                .bind("role", user.role().name())
                .bind("passwordHash", user.passwordHash())
                .bind("createdAt", user.createdAt())
                .execute());
        if (inserted == 0) {
            throw new HubbubException(ErrorCode.CONFLICT, "username is taken");
        }
        return user.displayName() == null
                ? new User(user.id(), user.username(), user.username(), user.avatarUrl(), user.role(),
                        user.passwordHash(), user.createdAt())
                : user;
    }

    @Override
    public Optional<User> findById(String id) {
        if (id == null) return Optional.empty();
        return db.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM users WHERE id = :id")
                .bind("id", id)
                .map(MAPPER)
                .findOne());
    }

    @Override
    public Optional<User> findByUsername(String username) {
        if (username == null) return Optional.empty();
        return db.withHandle(h -> h.createQuery("SELECT " + COLUMNS + " FROM users WHERE username_key = :key")
                .bind("key", key(username))
                .map(MAPPER)
                .findOne());
    }

    @Override
    public Optional<User> updateProfile(String id, String displayName, String avatarUrl) {
        if (id == null) return Optional.empty();
        return db.inTransaction(h -> {
            int updated = h.createUpdate("""
                            UPDATE users
                               SET display_name = COALESCE(:displayName, display_name),
                                   avatar_url = COALESCE(:avatarUrl, avatar_url)
                             WHERE id = :id""")
                    .bind("displayName", displayName)
                    .bind("avatarUrl", avatarUrl)
                    .bind("id", id)
                    .execute();
            if (updated == 0) return Optional.<User>empty();
            return h.createQuery("SELECT " + COLUMNS + " FROM users WHERE id = :id")
                    .bind("id", id)
                    .map(MAPPER)
                    .findOne();
        });
    }

    @Override
    public java.util.OptionalLong tokensValidAfter(String id) {
        if (id == null) return java.util.OptionalLong.empty();
        return db.withHandle(h -> h.createQuery("SELECT tokens_valid_after FROM users WHERE id = :id")
                .bind("id", id)
                .mapTo(Long.class)
                .findOne())
                .map(java.util.OptionalLong::of).orElseGet(java.util.OptionalLong::empty);
    }

    @Override
    public java.util.Map<String, Long> revokedAfter(long after, int limit) {
        java.util.Map<String, Long> out = new java.util.HashMap<>();
        db.useHandle(h -> h.createQuery("SELECT id, tokens_valid_after FROM users WHERE tokens_valid_after > :after LIMIT :n")
                .bind("after", after)
                .bind("n", limit + 1)
                .map((rs, c) -> java.util.Map.entry(rs.getString(1), rs.getLong(2)))
                .forEach(e -> out.put(e.getKey(), e.getValue())));
        return out;
    }

    @Override
    public boolean revokeTokens(String id, long validAfter) {
        if (id == null) return false;
        // never moves backwards: a late, older revocation must not revive tokens a newer one revoked
        return db.withHandle(h -> h.createUpdate("""
                        UPDATE users SET tokens_valid_after = CASE WHEN tokens_valid_after > :at THEN tokens_valid_after ELSE :at END
                         WHERE id = :id""")
                .bind("at", validAfter)
                .bind("id", id)
                .execute()) > 0;
    }

    @Override
    public Optional<User> setRole(String id, Role role) {
        Objects.requireNonNull(role, "role");
        if (role != Role.USER && role != Role.ADMIN) throw new IllegalArgumentException("an account is a user or an admin");
        if (id == null) return Optional.empty();
        if (db.kind() == Database.Kind.POSTGRESQL) {
            return db.inTransaction(h -> {
                // Under READ COMMITTED two guarded UPDATEs demoting the last two admins would each still see the
                // other as an admin: locking the admin rows serializes them, and the second one's guard (a new
                // snapshot per statement) sees the first.
                h.createQuery("SELECT id FROM users WHERE role = 'ADMIN' ORDER BY id FOR UPDATE").mapTo(String.class).list();
                return changeRole(h, id, role);
            });
        }
        // SQLite: no explicit transaction (a read-then-write one fails with SQLITE_BUSY_SNAPSHOT when another
        // writer commits in between); the guarded UPDATE is one statement, and SQLite serializes writers.
        return db.withHandle(h -> changeRole(h, id, role));
    }

    /** Reads the role, then changes it only if it is still the one read and the guard holds; a few retries. */
    private static Optional<User> changeRole(org.jdbi.v3.core.Handle h, String id, Role role) {
        for (int attempt = 0; attempt < 5; attempt++) {
            Optional<User> before = h.createQuery("SELECT " + COLUMNS + " FROM users WHERE id = :id")
                    .bind("id", id).map(MAPPER).findOne();
            if (before.isEmpty() || before.get().role() == role) return before;
            int updated = h.createUpdate("""
                            UPDATE users SET role = :role
                             WHERE id = :id AND role = :was
                               AND (:role = 'ADMIN' OR (SELECT COUNT(*) FROM users WHERE role = 'ADMIN' AND id <> :id) > 0)""")
                    .bind("role", role.name())
                    .bind("was", before.get().role().name())
                    .bind("id", id)
                    .execute();
            if (updated == 1) return before;
            String now = h.createQuery("SELECT role FROM users WHERE id = :id").bind("id", id).mapTo(String.class).findOne().orElse(null);
            if (now == null) return Optional.empty();
            if (now.equals(before.get().role().name())) {
                throw new HubbubException(ErrorCode.LAST_ADMIN, "the last admin account cannot be demoted");
            }
            // changed by someone else meanwhile: read again
        }
        throw HubbubException.unavailable("the account's role keeps changing; retry");
    }

    @Override
    public long count() {
        return db.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM users").mapTo(Long.class).one());
    }
}
