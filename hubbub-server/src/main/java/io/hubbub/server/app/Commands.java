package io.hubbub.server.app;

import io.hubbub.core.auth.Principal;
import io.hubbub.core.auth.Role;
import io.hubbub.server.auth.JwtService;
import io.hubbub.server.config.HubbubConfig;
import io.hubbub.store.Database;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;

/** The {@code token} and {@code migrate} subcommands. */
public final class Commands {
    private Commands() {}

    /**
     * Mints a token for development, signed with the configured secret (so the running server accepts it).
     *
     * @param user   user id (also used as display name)
     * @param roomId if not null, a room-scoped token for that room (any instance of it: not bound)
     * @param ttl    lifetime, or null for the configured default
     * @param admin  whether the token carries the admin role
     */
    public static String token(HubbubConfig config, String user, String roomId, Duration ttl, boolean admin) {
        JwtService jwt = new JwtService(config.auth().jwtSecret().getBytes(StandardCharsets.UTF_8), config.auth().tokenTtl(),
                null, Clock.systemUTC());
        Principal p = new Principal(user, user, admin ? Role.ADMIN : Role.USER, null, 0);
        // Unbound to a room instance: whoever runs this holds the signing secret and could mint anything anyway.
        if (roomId != null) return jwt.issueRoomToken(p, roomId, Principal.UNBOUND, ttl == null ? config.auth().roomTokenTtl() : ttl).token();
        return (ttl == null ? jwt.issue(p) : jwt.issue(p, ttl)).token();
    }

    /** Applies pending database migrations to the configured database. */
    public static void migrate(HubbubConfig config) {
        var s = config.storage();
        try (Database db = Database.open(s.effectiveJdbcUrl(), blank(s.user()), blank(s.password()), 1)) {
            int n = db.migrate();
            System.out.println("migrations applied: " + n + " (" + s.maskedJdbcUrl() + ")");
        }
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
