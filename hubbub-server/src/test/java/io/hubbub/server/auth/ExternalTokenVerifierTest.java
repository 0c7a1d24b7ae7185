package io.hubbub.server.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.hubbub.core.auth.Principal;
import io.hubbub.core.auth.Role;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tokens minted by an "external backend" with key pairs generated here: PEM and JWKS files written to a temp
 * directory, real RS256/ES256 signatures, and the attacks algorithm pinning must stop.
 */
class ExternalTokenVerifierTest {

    private static final KeyPair RSA_1 = rsa();
    private static final KeyPair RSA_2 = rsa();
    private static final KeyPair EC = ec("secp256r1");

    @TempDir
    Path dir;
    private final TestClock clock = new TestClock(Instant.parse("2026-03-01T12:00:00Z"));

    private static KeyPair rsa() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair ec(String curve) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec(curve));
            return g.generateKeyPair();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Path pem(String file, PublicKey key) throws Exception {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded());
        return Files.writeString(dir.resolve(file), "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n");
    }

    private JWTClaimsSet.Builder claims() {
        Instant now = clock.instant();
        return new JWTClaimsSet.Builder().issuer("https://app.example").audience("hubbub").subject("ext-7")
                .claim("name", "Grace").issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(900)));
    }

    private static String sign(JWSAlgorithm alg, String kid, JWSSigner signer, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID(kid).build(), claims);
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static void assertInvalid(TokenVerifierCall call) {
        assertThatThrownBy(call::run).isInstanceOfSatisfying(HubbubException.class, e -> {
            assertThat(e.code()).isEqualTo(ErrorCode.UNAUTHORIZED);
            assertThat(e.getMessage()).isEqualTo("invalid token");
        });
    }

    private interface TokenVerifierCall {
        void run() throws Exception;
    }

    @Test
    void rs256FromPemVerifiesAndMapsClaims() throws Exception {
        ExternalTokenVerifier v = ExternalTokenVerifier.fromPemFile(pem("rsa.pem", RSA_1.getPublic()), "RS256",
                "https://app.example", "hubbub", clock);
        String token = sign(JWSAlgorithm.RS256, null, new RSASSASigner(RSA_1.getPrivate()),
                claims().claim("role", "admin").claim("rooms", List.of("r1", "r2")).build());
        Principal p = v.verify(token);
        assertThat(p.userId()).isEqualTo("ext-7");
        assertThat(p.name()).isEqualTo("Grace");
        assertThat(p.role()).isEqualTo(Role.ADMIN);
        assertThat(p.roomScope()).isEqualTo(Set.of("r1", "r2"));
        assertThat(p.expiresAt()).isEqualTo(clock.instant().plusSeconds(900).toEpochMilli());

        // signed by another key, wrong issuer, wrong audience, expired
        assertInvalid(() -> v.verify(sign(JWSAlgorithm.RS256, null, new RSASSASigner(RSA_2.getPrivate()), claims().build())));
        assertInvalid(() -> v.verify(sign(JWSAlgorithm.RS256, null, new RSASSASigner(RSA_1.getPrivate()),
                claims().issuer("https://evil.example").build())));
        assertInvalid(() -> v.verify(sign(JWSAlgorithm.RS256, null, new RSASSASigner(RSA_1.getPrivate()),
                claims().audience("other-service").build())));
        String ok = sign(JWSAlgorithm.RS256, null, new RSASSASigner(RSA_1.getPrivate()), claims().build());
        clock.advance(Duration.ofMinutes(16));
        assertThatThrownBy(() -> v.verify(ok)).isInstanceOfSatisfying(HubbubException.class,
                e -> assertThat(e.getMessage()).isEqualTo("token expired"));
    }

    @Test
    void es256FromPemVerifiesAndOtherAlgorithmsAreRefused() throws Exception {
        ExternalTokenVerifier v = ExternalTokenVerifier.fromPemFile(pem("ec.pem", EC.getPublic()), "ES256",
                null, null, clock);
        assertThat(v.algorithm()).isEqualTo(JWSAlgorithm.ES256);
        String token = sign(JWSAlgorithm.ES256, "any-kid", new ECDSASigner((java.security.interfaces.ECPrivateKey) EC.getPrivate()),
                claims().build());
        assertThat(v.verify(token).role()).isEqualTo(Role.USER);
        // an RS256 token is refused by the ES256 verifier even though its signature is valid for its own key
        assertInvalid(() -> v.verify(sign(JWSAlgorithm.RS256, null, new RSASSASigner(RSA_1.getPrivate()), claims().build())));
    }

    @Test
    void hs256TokenSignedWithThePublicKeyIsRejected() throws Exception {
        // The classic algorithm-confusion attack: use the (public) verification key as an HMAC secret.
        Path pemFile = pem("rsa.pem", RSA_1.getPublic());
        ExternalTokenVerifier v = ExternalTokenVerifier.fromPemFile(pemFile, "RS256", null, null, clock);
        byte[] publicKeyText = Files.readAllBytes(pemFile);
        String forged = sign(JWSAlgorithm.HS256, null, new MACSigner(publicKeyText), claims().claim("role", "admin").build());
        String forgedDer = sign(JWSAlgorithm.HS256, null, new MACSigner(RSA_1.getPublic().getEncoded()), claims().build());
        assertInvalid(() -> v.verify(forged));
        assertInvalid(() -> v.verify(forgedDer));

        // Same through JwtService, which routes HS256 to its own secret, never to the external key.
        JwtService service = new JwtService("hubbub-own-secret-0123456789abcdef".getBytes(StandardCharsets.UTF_8),
                Duration.ofHours(1), v, clock);
        assertInvalid(() -> service.verify(forged));
        // while a genuine external token passes through JwtService
        String genuine = sign(JWSAlgorithm.RS256, null, new RSASSASigner(RSA_1.getPrivate()), claims().build());
        assertThat(service.verify(genuine).userId()).isEqualTo("ext-7");
        // and an RS384 token (not the configured algorithm) does not
        assertInvalid(() -> service.verify(sign(JWSAlgorithm.RS384, null, new RSASSASigner(RSA_1.getPrivate()), claims().build())));
    }

    @Test
    void algNoneIsRejected() throws Exception {
        ExternalTokenVerifier v = ExternalTokenVerifier.fromPemFile(pem("rsa.pem", RSA_1.getPublic()), "RS256",
                null, null, clock);
        String header = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"none\"}".getBytes(StandardCharsets.UTF_8));
        String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(
                claims().build().toString().getBytes(StandardCharsets.UTF_8));
        assertInvalid(() -> v.verify(header + "." + payload + "."));
        String rsHeader = Base64.getUrlEncoder().withoutPadding().encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8));
        assertInvalid(() -> v.verify(rsHeader + "." + payload + "."));
    }

    @Test
    void jwksSelectsTheKeyByKid() throws Exception {
        JWKSet set = new JWKSet(List.of(
                new RSAKey.Builder((RSAPublicKey) RSA_1.getPublic()).keyID("k1").build(),
                new RSAKey.Builder((RSAPublicKey) RSA_2.getPublic()).keyID("k2").build(),
                new ECKey.Builder(Curve.P_256, (ECPublicKey) EC.getPublic()).keyID("ec").build()));
        Path jwks = Files.writeString(dir.resolve("keys.json"), set.toString());
        ExternalTokenVerifier v = ExternalTokenVerifier.fromJwksFile(jwks, "RS256", null, null, clock);
        assertThat(v.keyCount()).isEqualTo(2); // the EC key does not fit RS256

        assertThat(v.verify(sign(JWSAlgorithm.RS256, "k1", new RSASSASigner(RSA_1.getPrivate()), claims().build())).userId())
                .isEqualTo("ext-7");
        assertThat(v.verify(sign(JWSAlgorithm.RS256, "k2", new RSASSASigner(RSA_2.getPrivate()), claims().build())).userId())
                .isEqualTo("ext-7");
        // right key, wrong kid; unknown kid; no kid among several keys
        assertInvalid(() -> v.verify(sign(JWSAlgorithm.RS256, "k2", new RSASSASigner(RSA_1.getPrivate()), claims().build())));
        assertInvalid(() -> v.verify(sign(JWSAlgorithm.RS256, "k9", new RSASSASigner(RSA_1.getPrivate()), claims().build())));
        assertInvalid(() -> v.verify(sign(JWSAlgorithm.RS256, null, new RSASSASigner(RSA_1.getPrivate()), claims().build())));

        ExternalTokenVerifier ecOnly = ExternalTokenVerifier.fromJwksFile(jwks, "ES256", null, null, clock);
        assertThat(ecOnly.keyCount()).isEqualTo(1);
        String ecToken = sign(JWSAlgorithm.ES256, null,
                new ECDSASigner((java.security.interfaces.ECPrivateKey) EC.getPrivate()), claims().build());
        assertThat(ecOnly.verify(ecToken).userId()).isEqualTo("ext-7"); // one key: kid optional
    }

    @Test
    void certificatePemIsAccepted() throws Exception {
        Path store = dir.resolve("ks.p12");
        Path cert = dir.resolve("cert.pem");
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        run(keytool, "-genkeypair", "-alias", "backend", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=backend",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", "changeit");
        run(keytool, "-exportcert", "-rfc", "-alias", "backend", "-keystore", store.toString(), "-storepass", "changeit",
                "-file", cert.toString());
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
            ks.load(in, "changeit".toCharArray());
        }
        java.security.PrivateKey key = (java.security.PrivateKey) ks.getKey("backend", "changeit".toCharArray());

        ExternalTokenVerifier v = ExternalTokenVerifier.fromPemFile(cert, "RS256", null, null, clock);
        assertThat(v.verify(sign(JWSAlgorithm.RS256, null, new RSASSASigner(key), claims().build())).name()).isEqualTo("Grace");
        assertInvalid(() -> v.verify(sign(JWSAlgorithm.RS256, null, new RSASSASigner(RSA_1.getPrivate()), claims().build())));
    }

    private static void run(String... command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8)).isZero();
    }

    @Test
    void misconfigurationFailsAtStartupWithAClearMessage() throws Exception {
        Path rsaPem = pem("rsa.pem", RSA_1.getPublic());
        Path ecPem = pem("ec.pem", EC.getPublic());
        assertThatThrownBy(() -> ExternalTokenVerifier.fromPemFile(rsaPem, "HS256", null, null, clock))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("must be one of");
        assertThatThrownBy(() -> ExternalTokenVerifier.fromPemFile(rsaPem, "none", null, null, clock))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ExternalTokenVerifier.fromPemFile(ecPem, "RS256", null, null, clock))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ExternalTokenVerifier.fromPemFile(pem("p384.pem", ec("secp384r1").getPublic()),
                "ES256", null, null, clock))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("curve");
        KeyPairGenerator small = KeyPairGenerator.getInstance("RSA");
        small.initialize(1024);
        assertThatThrownBy(() -> ExternalTokenVerifier.fromPemFile(pem("small.pem", small.generateKeyPair().getPublic()),
                "RS256", null, null, clock))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("2048");
        Path notPem = Files.writeString(dir.resolve("junk.pem"), "hello");
        assertThatThrownBy(() -> ExternalTokenVerifier.fromPemFile(notPem, "RS256", null, null, clock))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("BEGIN PUBLIC KEY");
        Path emptySet = Files.writeString(dir.resolve("empty.json"), "{\"keys\":[]}");
        assertThatThrownBy(() -> ExternalTokenVerifier.fromJwksFile(emptySet, "RS256", null, null, clock))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no key usable");
        assertThatThrownBy(() -> ExternalTokenVerifier.fromJwksFile(dir.resolve("missing.json"), "RS256", null, null, clock))
                .isInstanceOf(java.io.UncheckedIOException.class);
    }
}
