package io.hubbub.server.config;

import io.hubbub.core.config.Doc;
import io.hubbub.core.config.Durations;
import io.hubbub.core.config.Checks;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/** Authentication: Hubbub's own HS256 tokens, externally issued tokens, API keys, guests. */
public record AuthConfig(
        @Doc("HS256 secret for the tokens Hubbub issues, at least 32 bytes. The default is for dev only; production refuses it.") String jwtSecret,
        @Doc("Lifetime of user tokens issued at sign-in.") Duration tokenTtl,
        @Doc("Lifetime of room-scoped tokens (POST /api/auth/token).") Duration roomTokenTtl,
        @Doc("Allowed clock difference when checking token expiry and not-before.") Duration clockSkew,
        @Doc("Time a new connection has to authenticate (header, ?token= or an auth frame) before it is closed.") Duration authTimeout,
        @Doc("Let unauthenticated clients connect as anonymous guests. Production requires an explicit true or false.") boolean allowGuests,
        @Doc("Allow anyone to create an account with POST /api/auth/signup.") boolean signupEnabled,
        @Doc("Refuse Hubbub-signed tokens whose user has no account here (deleted, or forged with a leaked secret). Off by default because dev tokens (hubbub token --user) name users without accounts; turn it on when Hubbub's accounts are your users.") boolean requireAccount,
        @Doc("Sign-in and sign-up attempts accepted per client IP per second (each runs Argon2); over it: 429.") int attemptsPerSecond,
        @Doc("Sign-in and sign-up attempts one client IP may make in a burst above the rate.") int attemptBurst,
        @Doc("Password hashes (Argon2, 19 MiB and tens of ms of CPU each) computed at once on this node; sign-ins and sign-ups beyond it answer 503 unavailable with Retry-After at once. 0 picks the number of cores.") int maxConcurrentHashes,
        @Doc("Failed sign-ins per account name before progressive delays start: then each failure blocks the name for accountBaseDelay, doubling per failure (429 with Retry-After), except for client IPs the account signed in from before.") int accountFailuresBeforeDelay,
        @Doc("First delay of the per-account sign-in throttle.") Duration accountBaseDelay,
        @Doc("Longest delay of the per-account sign-in throttle.") Duration accountMaxDelay,
        @Doc("API keys for server-to-server calls, name: key (keys at least 16 characters; 32 in production).") Map<String, String> apiKeys,
        @Doc("Verification of tokens issued by an external backend (RS256/ES256).") ExternalJwtConfig external) {

    /** The insecure dev default. Production mode refuses it. */
    public static final String DEV_JWT_SECRET = "hubbub-dev-secret-NOT-FOR-PRODUCTION-change-me";
    static final int MIN_SECRET_BYTES = 32;

    public AuthConfig {
        apiKeys = apiKeys == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(apiKeys));
    }

    public static AuthConfig defaults() {
        return new AuthConfig(DEV_JWT_SECRET, Duration.ofHours(24), Duration.ofHours(1), Duration.ofSeconds(30),
                Duration.ofSeconds(5), false, true, false, 5, 20, 0, 5, Duration.ofSeconds(1), Duration.ofMinutes(15), Map.of(), ExternalJwtConfig.defaults());
    }

    void validate(Checks c) {
        int secretBytes = jwtSecret.getBytes(StandardCharsets.UTF_8).length;
        String how = "set auth.jwtSecret or HUBBUB_AUTH_JWT_SECRET to a random value of at least 32 bytes (e.g. the output of `openssl rand -base64 48`)";
        if (c.production() && jwtSecret.equals(DEV_JWT_SECRET))
            c.fail("auth.jwtSecret", "production mode refuses the built-in dev secret; " + how);
        else if (secretBytes < MIN_SECRET_BYTES)
            c.fail("auth.jwtSecret", "must be at least " + MIN_SECRET_BYTES + " bytes, got " + secretBytes + "; " + how);
        c.positive("auth.tokenTtl", tokenTtl);
        c.positive("auth.roomTokenTtl", roomTokenTtl);
        c.notNegative("auth.clockSkew", clockSkew);
        c.require(clockSkew.compareTo(Duration.ofMinutes(5)) <= 0, "auth.clockSkew", "must be at most 5m, got " + Durations.format(clockSkew));
        c.positive("auth.authTimeout", authTimeout);
        c.range("auth.attemptsPerSecond", attemptsPerSecond, 1, 1_000_000);
        c.range("auth.attemptBurst", attemptBurst, 1, 1_000_000);
        c.range("auth.maxConcurrentHashes", maxConcurrentHashes, 0, 1024);
        c.range("auth.accountFailuresBeforeDelay", accountFailuresBeforeDelay, 1, 1000);
        c.positive("auth.accountBaseDelay", accountBaseDelay);
        c.positive("auth.accountMaxDelay", accountMaxDelay);
        c.require(accountBaseDelay.compareTo(accountMaxDelay) <= 0, "auth.accountBaseDelay",
                "must be at most auth.accountMaxDelay, got " + Durations.format(accountBaseDelay));
        c.require(accountMaxDelay.compareTo(Duration.ofHours(24)) <= 0, "auth.accountMaxDelay",
                "must be at most 24h, got " + Durations.format(accountMaxDelay));
        if (c.production() && !c.isExplicit("auth.allowGuests"))
            c.fail("auth.allowGuests", "production mode needs an explicit choice; set auth.allowGuests to true or false (or HUBBUB_AUTH_ALLOW_GUESTS)");
        int minKey = c.production() ? 32 : 16;
        apiKeys.forEach((name, key) -> {
            if (name.isBlank()) c.fail("auth.apiKeys", "key names must not be empty");
            if (key == null || key.length() < minKey)
                c.fail("auth.apiKeys." + name, "must be at least " + minKey + " characters, got " + (key == null ? 0 : key.length()));
        });
        external.validate(c);
    }

    /** {@link #maxConcurrentHashes} resolved: 0 is the number of cores. */
    public int effectiveMaxConcurrentHashes() {
        return maxConcurrentHashes > 0 ? maxConcurrentHashes : Runtime.getRuntime().availableProcessors();
    }

    /** Never prints secrets: this record may end up in a log line. */
    @Override
    public String toString() {
        return "AuthConfig[jwtSecret=***, tokenTtl=" + Durations.format(tokenTtl) + ", roomTokenTtl=" + Durations.format(roomTokenTtl)
                + ", clockSkew=" + Durations.format(clockSkew) + ", authTimeout=" + Durations.format(authTimeout)
                + ", allowGuests=" + allowGuests + ", signupEnabled=" + signupEnabled + ", apiKeys=" + apiKeys.keySet()
                + ", external=" + external + "]";
    }

    /** Signature algorithms accepted for external tokens; pinned, never taken from the token. */
    public enum Algorithm { RS256, ES256 }

    /** Tokens minted by another backend, verified with its public key (PEM) or a JWKS file. */
    public record ExternalJwtConfig(
            @Doc("PEM public key file of the external issuer; empty turns external tokens off unless jwksFile is set.") String publicKeyFile,
            @Doc("JWKS (JSON Web Key Set) file of the external issuer; alternative to publicKeyFile.") String jwksFile,
            @Doc("Signature algorithm of external tokens: RS256 or ES256.") Algorithm algorithm,
            @Doc("Required iss claim of external tokens; empty accepts any issuer.") String issuer) {
        public static ExternalJwtConfig defaults() {
            return new ExternalJwtConfig("", "", Algorithm.RS256, "");
        }

        public boolean enabled() {
            return !publicKeyFile.isBlank() || !jwksFile.isBlank();
        }

        void validate(Checks c) {
            if (!publicKeyFile.isBlank() && !jwksFile.isBlank())
                c.fail("auth.external", "set either publicKeyFile or jwksFile, not both");
            if (!publicKeyFile.isBlank()) ServerConfig.readable(c, "auth.external.publicKeyFile", publicKeyFile);
            if (!jwksFile.isBlank()) ServerConfig.readable(c, "auth.external.jwksFile", jwksFile);
        }
    }
}
