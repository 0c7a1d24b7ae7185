package io.hubbub.server.app;

import io.hubbub.core.auth.Role;
import io.hubbub.server.auth.Account;
import io.hubbub.server.auth.AccountRoles;
import io.hubbub.server.auth.AccountService;
import io.hubbub.server.auth.JwtService;
import io.hubbub.server.auth.PasswordHasher;
import io.hubbub.server.auth.TokenRevocation;
import io.hubbub.server.config.HubbubConfig;
import io.hubbub.store.Database;
import io.hubbub.store.JdbiUserRepository;

import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * The {@code users} subcommands: accounts on the configured database (SQLite or PostgreSQL) without a
 * running server. Migrates the database first, so the first admin can be made before the first start.
 * Same rules as the HTTP API (validation, {@code last_admin}, token revocation on demotion); a running
 * server notices a revocation within {@link TokenRevocation#CACHE_TTL}.
 */
public final class UserAdmin implements AutoCloseable {
    private final Database db;
    private final JdbiUserRepository users;

    public UserAdmin(HubbubConfig config) {
        var s = config.storage();
        this.db = Database.open(s.effectiveJdbcUrl(), blank(s.user()), blank(s.password()), 2); // Flyway on PostgreSQL keeps one for its lock
        try {
            db.migrate();
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
        this.users = new JdbiUserRepository(db);
    }

    /** Creates an account (any number of admins may be made this way); the password is never logged. */
    public Account create(HubbubConfig config, String username, char[] password, String displayName, boolean admin) {
        // signIn is not used here: the JWT service only satisfies the constructor
        JwtService jwt = new JwtService(config.auth().jwtSecret().getBytes(StandardCharsets.UTF_8), config.auth().tokenTtl(),
                null, Clock.systemUTC());
        AccountService accounts = new AccountService(users, new PasswordHasher(), jwt, Clock.systemUTC());
        return accounts.createAccount(username, new String(password), displayName, admin ? Role.ADMIN : Role.USER);
    }

    /** Gives the account (by id or username) the role; see {@link AccountRoles}. */
    public AccountRoles.Change setRole(String idOrUsername, Role role) {
        AccountRoles roles = new AccountRoles(users, id -> TokenRevocation.revokeThroughThisSecond(users, id, Clock.systemUTC()));
        return roles.set(roles.find(idOrUsername).id(), role);
    }

    @Override
    public void close() {
        db.close();
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
