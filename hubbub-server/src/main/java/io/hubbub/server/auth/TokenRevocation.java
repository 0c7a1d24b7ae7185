package io.hubbub.server.auth;

import io.hubbub.core.auth.Principal;
import io.hubbub.core.auth.Role;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.store.UserRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Refuses tokens of users who signed out everywhere (tokens issued before the user's
 * {@code tokens_valid_after}) and, with {@code auth.requireAccount}, tokens of user ids that have no
 * account (deleted users, or ids in a token forged with a leaked secret). Checked when a connection
 * authenticates (a connect hook, off the event loop) and on every HTTP API call with a bearer token.
 *
 * <p>Revocation uses second precision (JWT {@code iat}): tokens issued within the same second as the
 * revocation stay valid. Lookups are cached per user for {@link #CACHE_TTL} (bounded to
 * {@link #MAX_CACHED} users); a revocation on this node takes effect at once, on other nodes of a
 * cluster within {@link #CACHE_TTL}. If the database cannot answer, tokens are accepted (fail open:
 * revocation is best effort and must not take the whole server down with the database); logged.
 * API keys, guests and tokens without {@code iat} are not checked.
 *
 * <p><b>Blocking</b> (JDBC on a cache miss): call on virtual threads only. Thread-safe.
 */
public final class TokenRevocation {
    private static final Logger log = LoggerFactory.getLogger(TokenRevocation.class);
    public static final Duration CACHE_TTL = Duration.ofSeconds(10);
    static final int MAX_CACHED = 100_000;
    private static final long NO_USER = -1;
    private static final long UNKNOWN = -2;

    private record Known(long validAfter, long fetchedAt) {}

    private final UserRepository users;
    private final boolean requireAccount;
    private final Clock clock;
    private final ConcurrentHashMap<String, Known> cache = new ConcurrentHashMap<>();

    public TokenRevocation(UserRepository users, boolean requireAccount, Clock clock) {
        this.users = users;
        this.requireAccount = requireAccount;
        this.clock = clock;
    }

    /** @throws HubbubException {@code unauthorized} for a revoked token or (with requireAccount) an unknown user */
    public void check(Principal p) {
        if (p == null || p.role() == Role.SERVICE || p.role() == Role.GUEST || p.issuedAt() == 0) return;
        long validAfter = validAfter(p.userId());
        if (validAfter == NO_USER) {
            if (requireAccount) throw new HubbubException(ErrorCode.UNAUTHORIZED, "invalid token: no such user");
            return;
        }
        // iat has second precision: refuse only tokens surely issued before the revocation
        if (validAfter > 0 && p.issuedAt() + 999 < validAfter) throw new HubbubException(ErrorCode.UNAUTHORIZED, "token revoked");
    }

    /** Signs the user out everywhere: tokens issued before now are refused from now on. @return the revocation time */
    public long revokeAll(String userId) {
        long now = clock.millis();
        if (!users.revokeTokens(userId, now)) throw HubbubException.notFound("user not found");
        cache.remove(userId);
        return now;
    }

    /**
     * Like {@link #revokeAll} but also refuses tokens issued within the current second (whose second-precision
     * {@code iat} cannot be told apart from the revocation's): for demotions, where an admin token issued
     * just before must not survive. A sign-in within the same second gets a token that is refused too.
     *
     * @return the revocation time (the start of the next second)
     */
    public long revokeThroughThisSecond(String userId) {
        long at = revokeThroughThisSecond(users, userId, clock);
        cache.remove(userId);
        return at;
    }

    /** {@link #revokeThroughThisSecond(String)} without a running server (the CLI). */
    public static long revokeThroughThisSecond(UserRepository users, String userId, Clock clock) {
        long at = (clock.millis() / 1000 + 1) * 1000;
        if (!users.revokeTokens(userId, at)) throw HubbubException.notFound("user not found");
        return at;
    }

    private long validAfter(String userId) {
        long now = clock.millis();
        Known k = cache.get(userId);
        if (k != null && now - k.fetchedAt < CACHE_TTL.toMillis()) return k.validAfter;
        long v;
        try {
            OptionalLong found = users.tokensValidAfter(userId);
            v = found.isPresent() ? found.getAsLong() : NO_USER;
        } catch (RuntimeException e) {
            log.warn("token revocation check skipped: the database did not answer ({})", e.toString());
            v = UNKNOWN;
        }
        if (cache.size() >= MAX_CACHED) cache.clear(); // crude but bounded; entries are cheap to refetch
        cache.put(userId, new Known(v, now));
        return v == UNKNOWN ? 0 : v;
    }
}
