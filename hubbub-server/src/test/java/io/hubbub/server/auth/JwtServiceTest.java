package io.hubbub.server.auth;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.hubbub.core.auth.Principal;
import io.hubbub.core.auth.Role;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Real HS256 tokens: issuing, verifying, expiry, tampering, algorithm pinning and room scope. */
class JwtServiceTest {

    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef-hubbub".getBytes(StandardCharsets.UTF_8);
    private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final JwtService jwt = new JwtService(SECRET, Duration.ofHours(2), null, clock);
    private final Principal alice = new Principal("u-alice", "Alice", Role.USER, null, 0);

    private static void assertUnauthorized(Runnable r, String message) {
        assertThatThrownBy(r::run).isInstanceOfSatisfying(HubbubException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED);
            assertThat(e.getMessage()).isEqualTo(message);
        });
    }

    private static String signHs256(byte[] key, JWTClaimsSet claims) throws Exception {
        SignedJWT t = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        t.sign(new MACSigner(key));
        return t.serialize();
    }

    private JWTClaimsSet.Builder validClaims() {
        Instant now = clock.instant();
        return new JWTClaimsSet.Builder().issuer("hubbub").subject("u-alice").claim("name", "Alice")
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(600)));
    }

    @Test
    void issuedTokenVerifiesToTheSamePrincipalWithItsExpiry() throws Exception {
        IssuedToken issued = jwt.issue(new Principal("u-1", "Bob", Role.ADMIN, null, 0));
        assertThat(issued.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofHours(2)).toEpochMilli());
        assertThat(issued.toString()).doesNotContain(issued.token());

        Principal p = jwt.verify(issued.token());
        assertThat(p).isEqualTo(new Principal("u-1", "Bob", Role.ADMIN, null, issued.expiresAt(), Principal.UNBOUND,
                clock.instant().getEpochSecond() * 1000));

        JWTClaimsSet claims = SignedJWT.parse(issued.token()).getJWTClaimsSet();
        assertThat(claims.getIssuer()).isEqualTo("hubbub");
        assertThat(claims.getSubject()).isEqualTo("u-1");
        assertThat(claims.getStringClaim("role")).isEqualTo("admin");
        assertThat(claims.getIssueTime().toInstant()).isEqualTo(clock.instant());
        assertThat(claims.getJWTID()).isNotBlank();
        assertThat(claims.getClaim("rooms")).isNull();
        assertThat(SignedJWT.parse(issued.token()).getHeader().getAlgorithm()).isEqualTo(JWSAlgorithm.HS256);
    }

    /** Hubbub's own header takes a shortcut (no header parsing, MAC first); it must decide exactly like the general path. */
    @Test
    void tokensWithHubbubsOwnHeaderFollowTheSameRulesAsAnyOther() throws Exception {
        String own = jwt.issue(alice).token();
        String header = own.substring(0, own.indexOf('.'));
        JWTClaimsSet claims = validClaims().build();
        String general = signHs256(SECRET, claims); // another header: the general path
        assertThat(general).doesNotStartWith(header + ".");
        String viaOwn = macSigned(header, claims.toString());
        assertThat(jwt.verify(viaOwn)).isEqualTo(jwt.verify(general));
        String otherIssuer = macSigned(header, validClaims().issuer("other").build().toString());
        String notJson = macSigned(header, "not json");
        String wrongType = macSigned(header, "{\"sub\":\"u\",\"iss\":\"hubbub\",\"exp\":\"soon\"}");
        for (String bad : List.of(otherIssuer, notJson, wrongType)) assertUnauthorized(() -> jwt.verify(bad), "invalid token");
        assertUnauthorized(() -> jwt.verify(viaOwn + ".extra"), "invalid token");
        assertUnauthorized(() -> jwt.verify(viaOwn.substring(0, viaOwn.lastIndexOf('.') + 1) + "*notbase64*"), "invalid token");
        assertUnauthorized(() -> jwt.verify(header + "."), "invalid token");
        assertUnauthorized(() -> jwt.verify(header + ".."), "invalid token");
    }

    /** header.payload.HMAC-SHA256 with the test secret, the payload given as JSON text. */
    private static String macSigned(String header, String payloadJson) throws Exception {
        String body = header + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8));
        javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(SECRET, "HmacSHA256"));
        return body + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(body.getBytes(StandardCharsets.US_ASCII)));
    }

    @Test
    void expiryIsEnforcedWithASmallClockSkew() {
        IssuedToken issued = jwt.issue(alice, Duration.ofMinutes(5));
        clock.advance(Duration.ofMinutes(5).plusSeconds(20)); // within the 30 s skew
        assertThat(jwt.verify(issued.token()).userId()).isEqualTo("u-alice");
        clock.advance(Duration.ofSeconds(15));
        assertUnauthorized(() -> jwt.verify(issued.token()), "token expired");
    }

    @Test
    void tamperedTokensAreRejected() {
        String token = jwt.issue(alice).token();
        String[] parts = token.split("\\.");
        // payload swapped for one claiming admin, signature kept
        String forgedPayload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("{\"iss\":\"hubbub\",\"sub\":\"u-alice\",\"role\":\"admin\",\"exp\":" + (clock.millis() / 1000 + 3600)
                        + "}").getBytes(StandardCharsets.UTF_8));
        assertUnauthorized(() -> jwt.verify(parts[0] + "." + forgedPayload + "." + parts[2]), "invalid token");
        // one signature character changed
        char c = parts[2].charAt(5);
        String badSig = parts[2].substring(0, 5) + (c == 'A' ? 'B' : 'A') + parts[2].substring(6);
        assertUnauthorized(() -> jwt.verify(parts[0] + "." + parts[1] + "." + badSig), "invalid token");
        // signature removed
        assertUnauthorized(() -> jwt.verify(parts[0] + "." + parts[1] + "."), "invalid token");
    }

    @Test
    void tokensFromAnotherSecretOrIssuerOrWithoutExpiryAreRejected() throws Exception {
        byte[] otherSecret = "another-secret-that-is-long-enough-32b".getBytes(StandardCharsets.UTF_8);
        assertUnauthorized(() -> jwt.verify(new JwtService(otherSecret, Duration.ofHours(1), null, clock)
                .issue(alice).token()), "invalid token");
        String foreignIssuer = signHs256(SECRET, validClaims().issuer("someone-else").build());
        assertUnauthorized(() -> jwt.verify(foreignIssuer), "invalid token");
        String noExpiry = signHs256(SECRET, validClaims().expirationTime(null).build());
        assertUnauthorized(() -> jwt.verify(noExpiry), "invalid token");
        String notYetValid = signHs256(SECRET, validClaims().notBeforeTime(Date.from(clock.instant().plusSeconds(300))).build());
        assertUnauthorized(() -> jwt.verify(notYetValid), "invalid token");
        String unknownRole = signHs256(SECRET, validClaims().claim("role", "superuser").build());
        assertUnauthorized(() -> jwt.verify(unknownRole), "invalid token");
        String roomsNotAList = signHs256(SECRET, validClaims().claim("rooms", 42).build());
        assertUnauthorized(() -> jwt.verify(roomsNotAList), "invalid token");
        // and the untouched claims do verify, so the failures above come from the changed claim
        assertThat(jwt.verify(signHs256(SECRET, validClaims().build())).name()).isEqualTo("Alice");
    }

    @Test
    void algNoneAndOtherAlgorithmsAreRejected() throws Exception {
        String header = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8));
        String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                validClaims().build().toString().getBytes(StandardCharsets.UTF_8));
        assertUnauthorized(() -> jwt.verify(header + "." + payload + "."), "invalid token");

        // HS512 with the right secret is still the wrong algorithm
        SignedJWT hs512 = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS512).type(JOSEObjectType.JWT).build(),
                validClaims().build());
        hs512.sign(new MACSigner("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8)));
        JwtService longSecret = new JwtService(
                "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8),
                Duration.ofHours(1), null, clock);
        assertUnauthorized(() -> longSecret.verify(hs512.serialize()), "invalid token");
    }

    @Test
    void garbageIsRejectedWithoutEchoingIt() {
        for (String garbage : new String[] {"", "abc", "a.b.c", "eyJhbGciOiJIUzI1NiJ9.e30.", "x".repeat(9000),
                "Bearer " + jwt.issue(alice).token()}) {
            assertThatThrownBy(() -> jwt.verify(garbage)).isInstanceOfSatisfying(HubbubException.class, e -> {
                assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED);
                assertThat(e.getMessage()).isEqualTo("invalid token");
            });
        }
        assertUnauthorized(() -> jwt.verify(null), "invalid token");
    }

    @Test
    void shortSecretsAreRefused() {
        assertThatThrownBy(() -> new JwtService(new byte[31]))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 32 bytes");
        assertThatThrownBy(() -> new JwtService(null)).isInstanceOf(IllegalArgumentException.class);
        assertThat(new JwtService(new byte[32]).verify(new JwtService(new byte[32]).issue(alice).token()).userId())
                .isEqualTo("u-alice");
    }

    @Test
    void roomTokenAdmitsOnlyItsRoomForAnHourByDefault() throws Exception {
        IssuedToken room = jwt.issueRoomToken(alice, "game-42", 5L, null);
        assertThat(room.expiresAt()).isEqualTo(clock.instant().plus(Duration.ofHours(1)).toEpochMilli());
        Principal p = jwt.verify(room.token());
        assertThat(p.userId()).isEqualTo("u-alice");
        assertThat(p.roomScope()).isEqualTo(Set.of("game-42"));
        assertThat(p.mayEnter("game-42")).isTrue();
        assertThat(p.mayEnter("game-43")).isFalse();
        assertThat(SignedJWT.parse(room.token()).getJWTClaimsSet().getStringListClaim("rooms")).isEqualTo(List.of("game-42"));

        clock.advance(Duration.ofMinutes(61));
        assertUnauthorized(() -> jwt.verify(room.token()), "token expired");
    }

    @Test
    void roomTokensCannotWidenOrOutliveOrEscalateTheirSource() {
        // a room-scoped principal may not mint a token for another room
        // a room-scoped principal may not mint room tokens at all
        Principal scoped = jwt.verify(jwt.issueRoomToken(alice, "a", 5L, null).token());
        assertThat(scoped.roomCreatedAt()).isEqualTo(5L);
        assertThatThrownBy(() -> jwt.issueRoomToken(scoped, "b", 5L, null))
                .isInstanceOfSatisfying(HubbubException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));
        assertThatThrownBy(() -> jwt.issueRoomToken(scoped, "a", 5L, null))
                .isInstanceOfSatisfying(HubbubException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.FORBIDDEN));

        // a credential expiring in 10 minutes yields a room token expiring with it
        Principal shortLived = jwt.verify(jwt.issue(alice, Duration.ofMinutes(10)).token());
        assertThat(jwt.issueRoomToken(shortLived, "a", 5L, Duration.ofHours(1)).expiresAt())
                .isEqualTo(shortLived.expiresAt());

        // an admin's room token is a plain user's
        Principal admin = new Principal("u-root", "Root", Role.ADMIN, null, 0);
        Principal fromAdmin = jwt.verify(jwt.issueRoomToken(admin, "a", 5L, null).token());
        assertThat(fromAdmin.role()).isEqualTo(Role.USER);
        assertThat(fromAdmin.isAdmin()).isFalse();

        assertThatThrownBy(() -> jwt.issueRoomToken(alice, " ", 5L, null))
                .isInstanceOfSatisfying(HubbubException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
        assertThatThrownBy(() -> jwt.issueRoomToken(alice, "a", 5L, Duration.ofDays(2)))
                .isInstanceOfSatisfying(HubbubException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.BAD_REQUEST));
    }

    @Test
    void systemClockDefaultsWork() {
        JwtService real = new JwtService(SECRET);
        IssuedToken t = real.issue(alice);
        long expected = Clock.systemUTC().instant().plus(JwtService.DEFAULT_TTL).toEpochMilli();
        assertThat(t.expiresAt()).isBetween(expected - 5_000, expected + 1_000);
        assertThat(real.verify(t.token()).userId()).isEqualTo("u-alice");
    }
}
