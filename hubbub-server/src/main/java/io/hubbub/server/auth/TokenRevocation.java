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
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Refuses tokens of users who signed out everywhere (tokens issued before the user's
 * {@code tokens_valid_after}) and, with {@code auth.requireAccount}, tokens of user ids that have no
 * account (deleted users, or ids in a token forged with a leaked secret). Checked when a connection
 * authenticates (a connect hook) and on every HTTP API call with a bearer token.
 *
 * <p>Revocation uses second precision (JWT {@code iat}): tokens issued within the same second as the
 * revocation stay valid. A revocation on this node takes effect at once, on other nodes of a cluster
 * within {@link #CACHE_TTL}. If the database cannot answer, tokens are accepted (fail open: revocation
 * is best effort and must not take the whole server down with the database); logged. API keys, guests
 * and tokens without {@code iat} are not checked.
 *
 * <p>Two sources, so that the common connect needs no database round trip and no thread hop:
 * <ul>
 *   <li>the <b>recent view</b>: every user revoked within {@code window} (the longest lifetime of a
 *   Hubbub token), loaded in bulk by {@link #refresh()} (call it every {@link #REFRESH_EVERY}) and
 *   updated at once by this node's revocations. A token issued within the window can only be refused
 *   by a revocation inside it, so the view decides for it alone while it is younger than
 *   {@link #CACHE_TTL}. Bounded to {@link #MAX_CACHED} users; past that (or while the database does
 *   not answer) it is not used.</li>
 *   <li>a <b>per-user lookup</b>, cached for {@link #CACHE_TTL} (bounded to {@link #MAX_CACHED} users),
 *   for what the view cannot decide: {@code auth.requireAccount} (only the database knows who has an
 *   account), tokens older than the window (an external backend's long-lived tokens), no fresh view.</li>
 * </ul>
 *
 * <p>{@link #check} blocks (JDBC) when it needs a lookup: virtual threads only. {@link #checkAsync}
 * never blocks its caller. Thread-safe.
 */
public final class TokenRevocation {
    private static final Logger log = LoggerFactory.getLogger(TokenRevocation.class);
    public static final Duration CACHE_TTL = Duration.ofSeconds(10);
    /** Refresh interval of the recent view: half the TTL, so a slow query does not leave the view stale. */
    public static final Duration REFRESH_EVERY = CACHE_TTL.dividedBy(2);
    /** Longest lifetime of a Hubbub-issued token when none is given: room tokens live at most 24 h. */
    public static final Duration DEFAULT_WINDOW = JwtService.MAX_ROOM_TOKEN_TTL.plus(JwtService.CLOCK_SKEW);
    static final int MAX_CACHED = 100_000;
    private static final long NO_USER = -1;
    private static final long UNKNOWN = -2;
    private static final long LOOKUP = -3;
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private record Known(long validAfter, long fetchedAt) {}

    /** The view loaded by the query that started at {@code loadedAt}: complete for revocations after {@code cutoff}. */
    private record View(long loadedAt, long cutoff, boolean usable) {}

    private final UserRepository users;
    private final boolean requireAccount;
    private final long windowMillis;
    private final Clock clock;
    private final Runnable onLookup;
    private final ConcurrentHashMap<String, Known> cache = new ConcurrentHashMap<>();
    /** User → tokens_valid_after, for revocations later than {@code view.cutoff}. */
    private final ConcurrentHashMap<String, Long> recent = new ConcurrentHashMap<>();
    private volatile View view = new View(0, 0, false);
    private volatile boolean refreshFailed;

    public TokenRevocation(UserRepository users, boolean requireAccount, Clock clock) {
        this(users, requireAccount, DEFAULT_WINDOW, clock, () -> {});
    }

    /**
     * @param window   the longest lifetime of a token this server issues (clock skew included)
     * @param onLookup called for every per-user database lookup (a metric)
     */
    public TokenRevocation(UserRepository users, boolean requireAccount, Duration window, Clock clock, Runnable onLookup) {
        this.users = users;
        this.requireAccount = requireAccount;
        this.windowMillis = window.toMillis();
        this.clock = clock;
        this.onLookup = onLookup;
    }

    /**
     * Checks without blocking the caller: decided at once from the recent view or the cache when they
     * can tell (the common case), otherwise by a lookup on {@code blocking}.
     *
     * @return completes exceptionally with {@code unauthorized} for a refused token
     */
    public CompletableFuture<Void> checkAsync(Principal p, Executor blocking) {
        if (exempt(p)) return DONE;
        long known = known(p);
        if (known == LOOKUP) return CompletableFuture.runAsync(() -> check(p), blocking);
        try {
            decide(p, known);
            return DONE;
        } catch (HubbubException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Blocking (on a lookup). @throws HubbubException {@code unauthorized} for a revoked token or (with requireAccount) an unknown user */
    public void check(Principal p) {
        if (exempt(p)) return;
        long known = known(p);
        decide(p, known == LOOKUP ? lookup(p.userId()) : known);
    }

    private static boolean exempt(Principal p) {
        return p == null || p.role() == Role.SERVICE || p.role() == Role.GUEST || p.issuedAt() == 0;
    }

    private void decide(Principal p, long validAfter) {
        if (validAfter == NO_USER) {
            if (requireAccount) throw new HubbubException(ErrorCode.UNAUTHORIZED, "invalid token: no such user");
            return;
        }
        // iat has second precision: refuse only tokens surely issued before the revocation
        if (validAfter > 0 && p.issuedAt() + 999 < validAfter) throw new HubbubException(ErrorCode.UNAUTHORIZED, "token revoked");
    }

    /** tokens_valid_after as far as it is known without the database, or {@link #LOOKUP}. */
    private long known(Principal p) {
        long now = clock.millis();
        if (!requireAccount) {
            View v = view;
            if (v.usable && now - v.loadedAt < CACHE_TTL.toMillis() && p.issuedAt() >= v.cutoff) {
                Long at = recent.get(p.userId());
                return at == null ? 0 : at;
            }
        }
        Known k = cache.get(p.userId());
        if (k != null && now - k.fetchedAt < CACHE_TTL.toMillis()) return k.validAfter == UNKNOWN ? 0 : k.validAfter;
        return LOOKUP;
    }

    /** Signs the user out everywhere: tokens issued before now are refused from now on. @return the revocation time */
    public long revokeAll(String userId) {
        long now = clock.millis();
        if (!users.revokeTokens(userId, now)) throw HubbubException.notFound("user not found");
        applied(userId, now);
        return now;
    }

    /** A revocation made through this node takes effect here at once, in the cache and the recent view. */
    private void applied(String userId, long at) {
        cache.remove(userId);
        recent.merge(userId, at, Math::max);
        if (recent.size() > MAX_CACHED) view = new View(0, 0, false); // too many to hold: per-user lookups until the next refresh
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
        applied(userId, at);
        return at;
    }

    /** {@link #revokeThroughThisSecond(String)} without a running server (the CLI). */
    public static long revokeThroughThisSecond(UserRepository users, String userId, Clock clock) {
        long at = (clock.millis() / 1000 + 1) * 1000;
        if (!users.revokeTokens(userId, at)) throw HubbubException.notFound("user not found");
        return at;
    }

    /**
     * Reloads the recent view in one query (the users revoked within the window). Blocking (JDBC): run
     * it off the event loops. If the database does not answer, the view ages out and checks fall back
     * to per-user lookups (which fail open).
     */
    public void refresh() {
        long start = clock.millis();
        long cutoff = start - windowMillis;
        Map<String, Long> found;
        try {
            found = users.revokedAfter(cutoff, MAX_CACHED);
        } catch (RuntimeException e) {
            if (!refreshFailed) log.warn("token revocations not refreshed: the database did not answer ({})", e.toString());
            refreshFailed = true;
            return;
        }
        refreshFailed = false;
        if (found.size() > MAX_CACHED) {
            recent.clear();
            view = new View(start, cutoff, false);
            return;
        }
        // merged, never replaced: a revocation made here while the query ran must not be dropped
        found.forEach((user, at) -> recent.merge(user, at, Math::max));
        recent.values().removeIf(at -> at <= cutoff); // can only refuse tokens older than the window, which are looked up
        view = new View(start, cutoff, recent.size() <= MAX_CACHED);
    }

    /** Schedules {@link #refresh()} every {@link #REFRESH_EVERY} on {@code blocking} (JDBC), never two at once. */
    public void refreshEvery(ScheduledExecutorService timers, Executor blocking) {
        AtomicBoolean running = new AtomicBoolean();
        long every = REFRESH_EVERY.toMillis();
        timers.scheduleWithFixedDelay(() -> {
            if (running.compareAndSet(false, true)) blocking.execute(() -> {
                try {
                    refresh();
                } finally {
                    running.set(false);
                }
            });
        }, every, every, TimeUnit.MILLISECONDS);
    }

    private long lookup(String userId) {
        long now = clock.millis();
        long v;
        onLookup.run();
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
