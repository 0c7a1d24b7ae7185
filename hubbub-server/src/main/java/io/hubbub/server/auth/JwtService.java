package io.hubbub.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.hubbub.core.auth.Principal;
import io.hubbub.core.auth.Role;
import io.hubbub.core.auth.TokenVerifier;
import io.hubbub.core.protocol.HubbubException;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Hubbub's own tokens: HS256 JWTs signed with a configured secret, plus (optionally) tokens of an external
 * backend checked by an {@link ExternalTokenVerifier}.
 *
 * <p>Issued claims: {@code iss = "hubbub"}, {@code sub} = user id, {@code name}, {@code role}, {@code iat},
 * {@code exp}, {@code jti}, and {@code rooms} + {@code roomCreatedAt} for room-scoped tokens.
 *
 * <p>Verification pins the algorithm: a token whose header says HS256 is checked with the secret and must have
 * {@code iss = "hubbub"}; a token with the external verifier's one configured algorithm goes to it; any other
 * algorithm (including {@code none}) is rejected before any key is used. Expiry is enforced with
 * {@link #CLOCK_SKEW} of tolerance. Failures are {@code unauthorized} with "invalid token" or "token expired"
 * and never contain the token.
 *
 * <p>CPU-only and thread-safe: safe to call on an event loop (an HMAC or one signature check per token).
 */
public final class JwtService implements TokenVerifier {

    public static final String ISSUER = "hubbub";
    public static final int MIN_SECRET_BYTES = 32;
    public static final Duration DEFAULT_TTL = Duration.ofHours(24);
    public static final Duration DEFAULT_ROOM_TOKEN_TTL = Duration.ofHours(1);
    public static final Duration MAX_ROOM_TOKEN_TTL = Duration.ofHours(24);
    public static final Duration CLOCK_SKEW = Duration.ofSeconds(30);
    /** Longer tokens are rejected unparsed (no legitimate Hubbub token comes near this). */
    public static final int MAX_TOKEN_CHARS = 8192;

    /** The header of every token {@link #sign} makes, base64url as it appears in the token. */
    private static final String OWN_HEADER = new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build()
            .toBase64URL().toString();

    private final MACSigner signer;
    private final MACVerifier verifier;
    /** Initialised with the key, never used itself: each verification works on a clone (cheap; no provider lookup). */
    private final Mac macPrototype;
    private final Duration tokenTtl;
    private final ExternalTokenVerifier external;
    private final Clock clock;

    /** Default lifetime, no external tokens, system clock. */
    public JwtService(byte[] secret) {
        this(secret, DEFAULT_TTL, null, Clock.systemUTC());
    }

    /**
     * @param secret   HMAC key, at least {@value #MIN_SECRET_BYTES} bytes (copied)
     * @param tokenTtl lifetime of tokens from {@link #issue(Principal)}
     * @param external verifier of an external backend's RS/ES tokens, or null to accept only Hubbub's own
     * @param clock    time source for issuing and expiry checks
     * @throws IllegalArgumentException if the secret is shorter than 32 bytes or the lifetime is not positive
     */
    public JwtService(byte[] secret, Duration tokenTtl, ExternalTokenVerifier external, Clock clock) {
        if (secret == null || secret.length < MIN_SECRET_BYTES) {
            throw new IllegalArgumentException("the JWT secret must be at least " + MIN_SECRET_BYTES + " bytes");
        }
        if (tokenTtl == null || tokenTtl.isNegative() || tokenTtl.isZero()) {
            throw new IllegalArgumentException("the token lifetime must be positive");
        }
        byte[] key = Arrays.copyOf(secret, secret.length);
        try {
            this.signer = new MACSigner(key);
            this.verifier = new MACVerifier(key);
            this.macPrototype = Mac.getInstance("HmacSHA256");
            macPrototype.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (JOSEException | GeneralSecurityException e) {
            throw new IllegalArgumentException("unusable JWT secret", e);
        }
        this.tokenTtl = tokenTtl;
        this.external = external;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** A token for {@code principal} with the configured lifetime. */
    public IssuedToken issue(Principal principal) {
        return issue(principal, tokenTtl);
    }

    /** A token for {@code principal} (its room scope included) valid for {@code ttl}. */
    public IssuedToken issue(Principal principal, Duration ttl) {
        Objects.requireNonNull(principal, "principal");
        if (ttl == null || ttl.isNegative() || ttl.isZero()) throw HubbubException.badRequest("ttl must be positive");
        Instant now = clock.instant();
        return sign(principal, now, now.plus(ttl));
    }

    /**
     * A short-lived token that lets its holder join only {@code roomId} (seed 003: hand it to a guest or an
     * embedded widget). It never outlives the credential it was derived from, and never carries admin or
     * service privileges (a privileged principal gets a plain user's room token), so a leaked room token
     * opens one room and nothing else. Whether {@code principal} may grant entry to the room at all is the
     * caller's decision ({@code RoomTokenGrants.binding}), which also gives {@code roomCreatedAt}: the
     * token is bound to that one instance of the room (claim {@value TokenClaims#ROOM_CREATED_AT}).
     *
     * @param roomCreatedAt creation time of the room instance, or {@link Principal#NOT_YET_CREATED}; only the
     *                      offline CLI (which holds the secret anyway) passes {@link Principal#UNBOUND}
     * @param ttl           lifetime, null for {@link #DEFAULT_ROOM_TOKEN_TTL}; at most {@link #MAX_ROOM_TOKEN_TTL}
     * @throws HubbubException {@code bad_request} for a missing room id or a bad lifetime, {@code forbidden} if
     *                         the principal is itself a room token
     */
    public IssuedToken issueRoomToken(Principal principal, String roomId, long roomCreatedAt, Duration ttl) {
        Objects.requireNonNull(principal, "principal");
        if (roomId == null || roomId.isBlank()) throw HubbubException.badRequest("roomId is required");
        if (roomCreatedAt < Principal.UNBOUND) throw new IllegalArgumentException("bad room creation time " + roomCreatedAt);
        Duration life = ttl == null ? DEFAULT_ROOM_TOKEN_TTL : ttl;
        if (life.isNegative() || life.isZero() || life.compareTo(MAX_ROOM_TOKEN_TTL) > 0) {
            throw HubbubException.badRequest("ttl must be between 1 second and 24 hours");
        }
        if (principal.isRoomScoped()) throw HubbubException.forbidden("a room token cannot mint room tokens");
        Instant now = clock.instant();
        Instant exp = now.plus(life);
        if (principal.expiresAt() > 0 && principal.expiresAt() < exp.toEpochMilli()) {
            exp = Instant.ofEpochMilli(principal.expiresAt());
        }
        Role role = principal.role().isPrivileged() ? Role.USER : principal.role();
        Principal scoped = new Principal(principal.userId(), principal.name(), role, Set.of(roomId), 0, roomCreatedAt, 0);
        return sign(scoped, now, exp);
    }

    private IssuedToken sign(Principal p, Instant now, Instant exp) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder()
                .issuer(ISSUER)
                .subject(p.userId())
                .claim(TokenClaims.NAME, p.name())
                .claim(TokenClaims.ROLE, p.role().name().toLowerCase(Locale.ROOT))
                .issueTime(Date.from(now))
                .expirationTime(Date.from(exp))
                .jwtID(UUID.randomUUID().toString());
        if (p.roomScope() != null) claims.claim(TokenClaims.ROOMS, List.copyOf(p.roomScope()));
        if (p.roomScope() != null && p.roomCreatedAt() != Principal.UNBOUND) claims.claim(TokenClaims.ROOM_CREATED_AT, p.roomCreatedAt());
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(),
                claims.build());
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign a token", e);
        }
        // JWT times have second precision: report the expiry the token actually carries.
        return new IssuedToken(jwt.serialize(), exp.getEpochSecond() * 1000);
    }

    @Override
    public Principal verify(String token) {
        if (token == null || token.isEmpty() || token.length() > MAX_TOKEN_CHARS) throw TokenClaims.invalid();
        if (token.startsWith(OWN_HEADER) && token.length() > OWN_HEADER.length() && token.charAt(OWN_HEADER.length()) == '.') {
            return verifyOwnHeader(token);
        }
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token); // rejects alg "none" and non-JWS input
        } catch (ParseException e) {
            throw TokenClaims.invalid();
        }
        JWSAlgorithm alg = jwt.getHeader().getAlgorithm();
        if (JWSAlgorithm.HS256.equals(alg)) return verifyOwn(jwt);
        if (external != null && external.algorithm().equals(alg)) return external.verify(jwt);
        throw TokenClaims.invalid();
    }

    /**
     * A token with exactly the header Hubbub signs with (HS256, typ JWT): the header needs no parsing,
     * the MAC is checked on a clone of the keyed prototype, and only a valid token's claims are parsed.
     * Same rules as {@link #verifyOwn}; a fresh node's connects spend much less in it.
     */
    private Principal verifyOwnHeader(String token) {
        int payloadAt = OWN_HEADER.length() + 1;
        int dot = token.indexOf('.', payloadAt);
        if (dot < 0 || token.indexOf('.', dot + 1) >= 0) throw TokenClaims.invalid();
        byte[] given;
        String claims;
        try {
            given = Base64.getUrlDecoder().decode(token.substring(dot + 1));
            Mac mac = (Mac) macPrototype.clone();
            byte[] expected = mac.doFinal(token.substring(0, dot).getBytes(StandardCharsets.US_ASCII));
            if (!MessageDigest.isEqual(expected, given)) throw TokenClaims.invalid();
            claims = new String(Base64.getUrlDecoder().decode(token.substring(payloadAt, dot)), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException | CloneNotSupportedException e) {
            throw TokenClaims.invalid();
        }
        try {
            return TokenClaims.toPrincipal(JWTClaimsSet.parse(claims), clock.instant(), CLOCK_SKEW, ISSUER, null);
        } catch (ParseException e) {
            throw TokenClaims.invalid();
        }
    }

    private Principal verifyOwn(SignedJWT jwt) {
        try {
            if (!jwt.verify(verifier)) throw TokenClaims.invalid();
            return TokenClaims.toPrincipal(jwt.getJWTClaimsSet(), clock.instant(), CLOCK_SKEW, ISSUER, null);
        } catch (JOSEException | ParseException e) {
            throw TokenClaims.invalid();
        }
    }
}
