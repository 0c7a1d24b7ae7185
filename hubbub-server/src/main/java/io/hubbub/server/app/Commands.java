package io.hubbub.server.app;

import io.hubbub.server.config.HubbubConfig;

import java.time.Duration;

/**
 * STUB for the CLI branch: hooks of the {@code token} and {@code migrate} subcommands, replaced by
 * the real implementation. Both receive a validated, resolved configuration.
 */
public final class Commands {
    private Commands() {}

    /**
     * Mints a token for development and returns it (the CLI prints it).
     *
     * @param user   user id or name the token is for
     * @param roomId if not null, a room-scoped token for that room
     * @param ttl    lifetime, or null for the configured default (auth.tokenTtl / auth.roomTokenTtl)
     * @param admin  whether the token carries the admin role
     */
    public static String token(HubbubConfig config, String user, String roomId, Duration ttl, boolean admin) {
        throw new UnsupportedOperationException("the token command is not implemented yet");
    }

    /** Applies pending database migrations to the configured database. */
    public static void migrate(HubbubConfig config) {
        throw new UnsupportedOperationException("the migrate command is not implemented yet");
    }
}
