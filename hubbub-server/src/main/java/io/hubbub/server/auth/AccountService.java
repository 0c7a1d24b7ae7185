package io.hubbub.server.auth;

import io.hubbub.core.auth.Role;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.store.User;
import io.hubbub.core.store.UserRepository;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.util.Locale;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Accounts: sign up, sign in, the current user, profile updates, and creating admins (for the CLI).
 *
 * <p>Validation failures are {@code bad_request} with one message per field. Sign-in answers every failure
 * (unknown user, wrong password, malformed name) with the same {@code unauthorized} "invalid username or
 * password", and an unknown user costs one Argon2 verification like a known one, so neither the message nor
 * the timing tells which usernames exist. (Sign-up necessarily reveals a taken username with
 * {@code conflict}; rate limits belong to the HTTP layer.) At most {@code maxConcurrentHashes} hashes run at
 * once; beyond that sign-in and sign-up answer {@code unavailable} at once (docs/PROTOCOL.md, Security notes).
 *
 * <p><b>Blocking</b>: database calls and Argon2 (tens of ms of CPU); run on virtual threads, never on an
 * event loop. Thread-safe.
 */
public final class AccountService {

    public static final int MIN_PASSWORD = 8;
    public static final int MAX_PASSWORD = 256;
    public static final int MAX_DISPLAY_NAME = 64;
    public static final int MAX_AVATAR_URL = 512;
    private static final Pattern USERNAME = Pattern.compile("[A-Za-z0-9_.-]{3,32}");
    private static final String BAD_CREDENTIALS = "invalid username or password";

    private final UserRepository users;
    private final PasswordHasher hasher;
    private final JwtService jwt;
    private final Clock clock;
    /**
     * Bounds the Argon2 work in flight: each hash holds 19 MiB and a core for tens of ms, so an unbounded
     * burst of sign-ins fills the heap with garbage and starves everything else. Beyond the bound a
     * sign-in or sign-up is refused at once ({@link #busy}) rather than queued: a queue would only
     * lengthen every answer and hold the requests' memory.
     */
    private final Semaphore hashing;
    private final Runnable onBusy;

    /** With at most one password hash per core at a time. */
    public AccountService(UserRepository users, PasswordHasher hasher, JwtService jwt, Clock clock) {
        this(users, hasher, jwt, clock, Runtime.getRuntime().availableProcessors(), () -> {});
    }

    /**
     * @param maxConcurrentHashes password hashes computed at once; further sign-ins/sign-ups get {@code unavailable}
     * @param onBusy              called for each such refusal (a metric); quick, any thread
     */
    public AccountService(UserRepository users, PasswordHasher hasher, JwtService jwt, Clock clock, int maxConcurrentHashes,
                          Runnable onBusy) {
        if (maxConcurrentHashes < 1) throw new IllegalArgumentException("maxConcurrentHashes must be at least 1");
        this.hashing = new Semaphore(maxConcurrentHashes);
        this.onBusy = Objects.requireNonNull(onBusy, "onBusy");
        this.users = Objects.requireNonNull(users, "users");
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.jwt = Objects.requireNonNull(jwt, "jwt");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * Creates a user account and signs it in.
     *
     * @param displayName null or blank for the username
     * @throws HubbubException {@code bad_request} for an invalid field, {@code conflict} if the username is
     *                         taken (in any letter case)
     */
    public SignedIn signUp(String username, String password, String displayName) {
        Account account = createAccount(username, password, displayName, Role.USER);
        return new SignedIn(jwt.issue(account.principal()), account);
    }

    /**
     * Creates an account with any role, e.g. the first admin from the CLI. Same validation as
     * {@link #signUp}; does not sign in.
     */
    public Account createAccount(String username, String password, String displayName, Role role) {
        Objects.requireNonNull(role, "role");
        validateUsername(username);
        validatePassword(password);
        String name = displayName == null || displayName.isBlank() ? username : validDisplayName(displayName);
        User user = new User(UUID.randomUUID().toString(), username, name, null, role, hashed(() -> hasher.hash(password)),
                clock.millis());
        return Account.of(users.create(user));
    }

    /** @throws HubbubException {@code unauthorized} "invalid username or password" for any wrong credential */
    public SignedIn signIn(String username, String password) {
        if (username == null || password == null) throw HubbubException.badRequest("username and password are required");
        // Input that no account can match skips the lookup but not the hashing work.
        boolean plausible = USERNAME.matcher(username).matches() && password.length() <= MAX_PASSWORD * 2;
        User user = plausible ? users.findByUsername(username).orElse(null) : null;
        boolean ok = hashed(() -> user != null && user.passwordHash() != null
                ? hasher.verify(password, user.passwordHash())
                : hasher.verifyDummy(plausible ? password : ""));
        if (!ok) throw new HubbubException(ErrorCode.UNAUTHORIZED, BAD_CREDENTIALS);
        Account account = Account.of(user);
        return new SignedIn(jwt.issue(account.principal()), account);
    }

    /** Seconds a client refused for {@link #busy} is told to wait (HTTP Retry-After). */
    public static final int BUSY_RETRY_AFTER_SECONDS = 1;

    /** Runs one password hash or verification within the concurrency bound, or refuses at once. */
    private <T> T hashed(Supplier<T> work) {
        if (!hashing.tryAcquire()) {
            onBusy.run();
            throw busy();
        }
        try {
            return work.get();
        } finally {
            hashing.release();
        }
    }

    /** {@code unavailable} with {@code retryAfterSeconds} in the details (the HTTP API sends it as Retry-After). */
    static HubbubException busy() {
        return new HubbubException(ErrorCode.UNAVAILABLE, "too many sign-ins in progress; retry shortly",
                Json.object().put("retryAfterSeconds", BUSY_RETRY_AFTER_SECONDS));
    }

    /** @throws HubbubException {@code not_found} if the user no longer exists */
    public Account me(String userId) {
        return users.findById(userId).map(Account::of)
                .orElseThrow(() -> HubbubException.notFound("user not found"));
    }

    /**
     * Changes the display name and/or avatar; a null argument leaves that field as it is, an empty
     * {@code avatarUrl} removes the avatar.
     *
     * @throws HubbubException {@code bad_request} for an invalid field, {@code not_found} for an unknown user
     */
    public Account updateProfile(String userId, String displayName, String avatarUrl) {
        String name = displayName == null ? null : validDisplayName(displayName);
        if (name != null && name.isEmpty()) throw HubbubException.badRequest("displayName must not be blank");
        String avatar = avatarUrl == null || avatarUrl.isEmpty() ? avatarUrl : validAvatarUrl(avatarUrl);
        return users.updateProfile(userId, name, avatar).map(Account::of)
                .orElseThrow(() -> HubbubException.notFound("user not found"));
    }

    private static void validateUsername(String username) {
        if (username == null || username.isEmpty()) throw HubbubException.badRequest("username is required");
        if (!USERNAME.matcher(username).matches()) {
            throw HubbubException.badRequest(
                    "username must be 3 to 32 characters of letters, digits, '_', '.' or '-'");
        }
    }

    private static void validatePassword(String password) {
        if (password == null || password.isEmpty()) throw HubbubException.badRequest("password is required");
        int length = password.codePointCount(0, password.length());
        if (length < MIN_PASSWORD || length > MAX_PASSWORD) {
            throw HubbubException.badRequest("password must be 8 to 256 characters");
        }
    }

    /**
     * Trimmed display name (empty when blank: callers decide); rejects over-long names and control, format
     * (bidi, zero-width) and separator characters ({@link io.hubbub.core.protocol.DisplayNames}).
     */
    private static String validDisplayName(String displayName) {
        String name = displayName.strip();
        return name.isEmpty() ? name : io.hubbub.core.protocol.DisplayNames.check("displayName", name);
    }

    private static String validAvatarUrl(String url) {
        String message = "avatarUrl must be an http or https URL of at most 512 characters";
        if (url.length() > MAX_AVATAR_URL) throw HubbubException.badRequest(message);
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw HubbubException.badRequest(message);
            }
        } catch (URISyntaxException e) {
            throw HubbubException.badRequest(message);
        }
        return url;
    }
}
