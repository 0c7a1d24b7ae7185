package io.hubbub.server.auth;

import io.hubbub.server.http.RetryLater;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Progressive delays per account name for sign-in, on top of the per-IP limit (which a botnet spreads
 * thin). After {@code freeFailures} failed sign-ins for a name, each further failure blocks the name for
 * a delay that doubles from {@code baseDelay} up to {@code maxDelay}; while blocked, attempts are
 * answered {@code rate_limited} (429, {@code Retry-After}) before any password is checked. Names that
 * have no account are throttled the same way, so the answers tell nothing about which names exist.
 *
 * <p><b>No lockout denial of service.</b> An attacker failing on purpose could keep a name blocked for
 * as long as the attack lasts. So a client address from which the account signed in (or signed up)
 * successfully — the last {@value #KNOWN_CLIENTS} of them — is never blocked by this throttle (it still
 * has the per-IP limit): the owner on a known device is not locked out, and an attacker elsewhere never
 * gets more than one guess per delay. A success resets the count. Failures are forgotten after
 * {@code max(maxDelay, 15 min)} without a new one.
 *
 * <p>Bounded: at most {@code maxTracked} names; {@link #sweep} drops idle entries (names with known
 * clients after {@link #KNOWN_CLIENT_MEMORY}), and when the map is full new names are not tracked
 * (they still have the per-IP limit). Thread-safe; cheap, no I/O.
 */
public final class SignInThrottle {
    public static final Duration KNOWN_CLIENT_MEMORY = Duration.ofDays(30);
    static final int KNOWN_CLIENTS = 4;
    private static final int MAX_KEY = 64;

    private static final class Entry {
        int failures;
        long lastFailure;
        long blockedUntil;
        long lastSeen;
        final ArrayDeque<String> knownClients = new ArrayDeque<>(KNOWN_CLIENTS);
    }

    private final int freeFailures;
    private final long baseDelayMillis;
    private final long maxDelayMillis;
    private final long forgetAfterMillis;
    private final int maxTracked;
    private final Clock clock;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();

    /**
     * @param freeFailures failures per name before delays start (at least 1)
     * @param baseDelay    the first delay
     * @param maxDelay     the longest delay
     * @param maxTracked   most names tracked at once
     */
    public SignInThrottle(int freeFailures, Duration baseDelay, Duration maxDelay, int maxTracked, Clock clock) {
        this.freeFailures = Math.max(1, freeFailures);
        this.baseDelayMillis = Math.max(1, baseDelay.toMillis());
        this.maxDelayMillis = Math.max(baseDelayMillis, maxDelay.toMillis());
        this.forgetAfterMillis = Math.max(maxDelayMillis, Duration.ofMinutes(15).toMillis());
        this.maxTracked = maxTracked;
        this.clock = clock;
    }

    /** @throws RetryLater if {@code username} is blocked for a client at {@code ip} */
    public void check(String username, String ip) {
        Entry e = entries.get(key(username));
        if (e == null) return;
        long now = clock.millis();
        synchronized (e) {
            if (e.knownClients.contains(ip)) return;
            long wait = e.blockedUntil - now;
            if (wait > 0) {
                long seconds = (wait + 999) / 1000;
                throw new RetryLater(seconds, "too many failed sign-ins for this account; try again in " + seconds + " s");
            }
        }
    }

    /** Counts a failed sign-in (wrong password or unknown name) and extends the block once past the free failures. */
    public void failed(String username, String ip) {
        Entry e = track(username);
        if (e == null) return;
        long now = clock.millis();
        synchronized (e) {
            if (now - e.lastFailure > forgetAfterMillis) e.failures = 0;
            e.failures++;
            e.lastFailure = now;
            e.lastSeen = now;
            if (e.failures >= freeFailures) {
                int doublings = Math.min(e.failures - freeFailures, 30);
                long delay = baseDelayMillis << doublings;
                if (delay <= 0 || delay > maxDelayMillis) delay = maxDelayMillis; // also on overflow
                e.blockedUntil = now + delay;
            }
        }
    }

    /** A successful sign-in or sign-up: resets the count and remembers {@code ip} as a known client of the name. */
    public void succeeded(String username, String ip) {
        Entry e = track(username);
        if (e == null) return;
        synchronized (e) {
            e.failures = 0;
            e.blockedUntil = 0;
            e.lastSeen = clock.millis();
            e.knownClients.remove(ip);
            if (e.knownClients.size() == KNOWN_CLIENTS) e.knownClients.removeFirst();
            e.knownClients.addLast(ip);
        }
    }

    /** Drops entries that no longer matter: idle without known clients, or idle longer than {@link #KNOWN_CLIENT_MEMORY}. */
    public void sweep() {
        long now = clock.millis();
        entries.values().removeIf(e -> {
            synchronized (e) {
                long idle = now - e.lastSeen;
                return e.blockedUntil <= now && (e.knownClients.isEmpty() ? idle > forgetAfterMillis : idle > KNOWN_CLIENT_MEMORY.toMillis());
            }
        });
    }

    int tracked() {
        return entries.size();
    }

    private Entry track(String username) {
        String k = key(username);
        Entry e = entries.get(k);
        if (e != null) return e;
        if (entries.size() >= maxTracked) {
            sweep();
            if (entries.size() >= maxTracked) return null;
        }
        return entries.computeIfAbsent(k, x -> new Entry());
    }

    private static String key(String username) {
        String u = username == null ? "" : username.toLowerCase(Locale.ROOT);
        return u.length() > MAX_KEY ? u.substring(0, MAX_KEY) : u;
    }
}
