package io.hubbub.server.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import io.hubbub.core.auth.Principal;
import io.hubbub.core.auth.TokenVerifier;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.time.Clock;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Verifies tokens minted by an existing backend with its own private key, so an application can authenticate
 * its users to Hubbub without Hubbub knowing their passwords. The public key comes from a PEM file (one key)
 * or a JWKS file (several keys, chosen by the token's {@code kid}).
 *
 * <p>The algorithm is pinned by configuration (RS256/384/512 or ES256/384/512): a token with any other
 * {@code alg} is rejected before a key is touched, which rules out algorithm-confusion tricks such as an
 * HS256 token "signed" with the public key. Keys are loaded once at construction; configuration problems
 * (unreadable file, wrong key type, RSA under 2048 bits) fail there with {@link IllegalArgumentException}.
 *
 * <p>CPU-only and thread-safe.
 */
public final class ExternalTokenVerifier implements TokenVerifier {

    private static final Set<JWSAlgorithm> SUPPORTED = Set.of(JWSAlgorithm.RS256, JWSAlgorithm.RS384,
            JWSAlgorithm.RS512, JWSAlgorithm.ES256, JWSAlgorithm.ES384, JWSAlgorithm.ES512);
    private static final int MIN_RSA_BITS = 2048;

    private final JWSAlgorithm algorithm;
    /** Verifiers by kid; a PEM key is stored under the null kid. */
    private final Map<String, JWSVerifier> verifiers;
    private final String issuer;
    private final String audience;
    private final Clock clock;

    private ExternalTokenVerifier(JWSAlgorithm algorithm, Map<String, JWSVerifier> verifiers, String issuer,
                                  String audience, Clock clock) {
        this.algorithm = algorithm;
        this.verifiers = Collections.unmodifiableMap(new HashMap<>(verifiers)); // may hold the null kid
        this.issuer = issuer;
        this.audience = audience;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * One public key from a PEM file ({@code BEGIN PUBLIC KEY} or {@code BEGIN CERTIFICATE}).
     *
     * @param algorithm the only accepted {@code alg}, e.g. "RS256" or "ES256"
     * @param issuer    required {@code iss}, or null to accept any
     * @param audience  a value {@code aud} must contain, or null to accept any
     */
    public static ExternalTokenVerifier fromPemFile(Path pem, String algorithm, String issuer, String audience,
                                                    Clock clock) {
        JWSAlgorithm alg = algorithm(algorithm);
        PublicKey key = readPem(pem, alg);
        Map<String, JWSVerifier> verifiers = new HashMap<>();
        verifiers.put(null, verifierFor(key, alg, pem.toString()));
        return new ExternalTokenVerifier(alg, verifiers, issuer, audience, clock);
    }

    /**
     * The keys of a JWKS file ({@code {"keys": [...]}}) that fit the algorithm: RSA keys for RS*, EC keys on
     * the algorithm's curve for ES*; keys marked for encryption or for another {@code alg} are ignored. With
     * several keys, tokens must name theirs by {@code kid}.
     */
    public static ExternalTokenVerifier fromJwksFile(Path jwks, String algorithm, String issuer, String audience,
                                                     Clock clock) {
        JWSAlgorithm alg = algorithm(algorithm);
        JWKSet set;
        try {
            set = JWKSet.parse(Files.readString(jwks));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the JWKS file " + jwks, e);
        } catch (ParseException e) {
            throw new IllegalArgumentException("the JWKS file " + jwks + " is not a valid JWK set", e);
        }
        Map<String, JWSVerifier> verifiers = new HashMap<>();
        for (JWK jwk : set.getKeys()) {
            if (KeyUse.ENCRYPTION.equals(jwk.getKeyUse())) continue;
            if (jwk.getAlgorithm() != null && !jwk.getAlgorithm().getName().equals(alg.getName())) continue;
            PublicKey key;
            try {
                if (JWSAlgorithm.Family.RSA.contains(alg) && jwk instanceof RSAKey rsa) {
                    key = rsa.toRSAPublicKey();
                } else if (JWSAlgorithm.Family.EC.contains(alg) && jwk instanceof ECKey ec
                        && Curve.forJWSAlgorithm(alg).contains(ec.getCurve())) {
                    key = ec.toECPublicKey();
                } else {
                    continue;
                }
            } catch (JOSEException e) {
                throw new IllegalArgumentException("unusable key " + jwk.getKeyID() + " in " + jwks, e);
            }
            if (verifiers.put(jwk.getKeyID(), verifierFor(key, alg, jwks.toString())) != null) {
                throw new IllegalArgumentException("duplicate kid " + jwk.getKeyID() + " in " + jwks);
            }
        }
        if (verifiers.isEmpty()) {
            throw new IllegalArgumentException("the JWKS file " + jwks + " has no key usable for " + alg);
        }
        if (verifiers.size() > 1 && verifiers.containsKey(null)) {
            throw new IllegalArgumentException("every key in " + jwks + " needs a kid when there are several");
        }
        return new ExternalTokenVerifier(alg, verifiers, issuer, audience, clock);
    }

    /** The one algorithm this verifier accepts. */
    public JWSAlgorithm algorithm() {
        return algorithm;
    }

    @Override
    public Principal verify(String token) {
        if (token == null || token.isEmpty() || token.length() > JwtService.MAX_TOKEN_CHARS) {
            throw TokenClaims.invalid();
        }
        try {
            return verify(SignedJWT.parse(token));
        } catch (ParseException e) {
            throw TokenClaims.invalid();
        }
    }

    /** Verifies an already parsed token (used by {@link JwtService} after it routed by algorithm). */
    Principal verify(SignedJWT jwt) {
        if (!algorithm.equals(jwt.getHeader().getAlgorithm())) throw TokenClaims.invalid();
        JWSVerifier verifier = select(jwt.getHeader().getKeyID());
        if (verifier == null) throw TokenClaims.invalid();
        try {
            if (!jwt.verify(verifier)) throw TokenClaims.invalid();
            return TokenClaims.toPrincipal(jwt.getJWTClaimsSet(), clock.instant(), JwtService.CLOCK_SKEW, issuer,
                    audience);
        } catch (JOSEException | ParseException e) {
            throw TokenClaims.invalid();
        }
    }

    private JWSVerifier select(String kid) {
        if (kid != null && verifiers.containsKey(kid)) return verifiers.get(kid);
        if (verifiers.size() == 1) {
            // One key: a token without kid uses it; a PEM key (no kid of its own) serves any kid.
            Map.Entry<String, JWSVerifier> only = verifiers.entrySet().iterator().next();
            if (kid == null || only.getKey() == null) return only.getValue();
        }
        return null; // unknown kid, or no kid among several keys
    }

    private static JWSAlgorithm algorithm(String name) {
        JWSAlgorithm alg = name == null ? null : JWSAlgorithm.parse(name.trim());
        if (alg == null || !SUPPORTED.contains(alg)) {
            throw new IllegalArgumentException("external token algorithm must be one of RS256, RS384, RS512, "
                    + "ES256, ES384, ES512 (got " + name + ")");
        }
        return alg;
    }

    private static JWSVerifier verifierFor(PublicKey key, JWSAlgorithm alg, String source) {
        try {
            if (JWSAlgorithm.Family.RSA.contains(alg)) {
                if (!(key instanceof RSAPublicKey rsa)) {
                    throw new IllegalArgumentException("the key in " + source + " is not an RSA key, but " + alg
                            + " needs one");
                }
                if (rsa.getModulus().bitLength() < MIN_RSA_BITS) {
                    throw new IllegalArgumentException("the RSA key in " + source + " is shorter than 2048 bits");
                }
                return new RSASSAVerifier(rsa);
            }
            if (!(key instanceof ECPublicKey ec)) {
                throw new IllegalArgumentException("the key in " + source + " is not an EC key, but " + alg
                        + " needs one");
            }
            Curve curve = Curve.forECParameterSpec(ec.getParams());
            if (curve == null || !Curve.forJWSAlgorithm(alg).contains(curve)) {
                throw new IllegalArgumentException("the EC key in " + source + " is not on the curve " + alg
                        + " needs");
            }
            return new ECDSAVerifier(ec);
        } catch (JOSEException e) {
            throw new IllegalArgumentException("unusable key in " + source, e);
        }
    }

    private static PublicKey readPem(Path pem, JWSAlgorithm alg) {
        String text;
        try {
            text = Files.readString(pem);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the public key file " + pem, e);
        }
        try {
            if (text.contains("-----BEGIN CERTIFICATE-----")) {
                byte[] der = pemBody(text, "CERTIFICATE");
                return CertificateFactory.getInstance("X.509")
                        .generateCertificate(new ByteArrayInputStream(der)).getPublicKey();
            }
            if (text.contains("-----BEGIN PUBLIC KEY-----")) {
                byte[] der = pemBody(text, "PUBLIC KEY");
                String type = JWSAlgorithm.Family.RSA.contains(alg) ? "RSA" : "EC";
                return KeyFactory.getInstance(type).generatePublic(new X509EncodedKeySpec(der));
            }
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("the file " + pem + " does not hold a usable " + alg + " public key", e);
        }
        throw new IllegalArgumentException("the file " + pem
                + " must hold a PEM public key (BEGIN PUBLIC KEY) or certificate (BEGIN CERTIFICATE)");
    }

    private static byte[] pemBody(String text, String label) {
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        int from = text.indexOf(begin) + begin.length();
        int to = text.indexOf(end, from);
        if (to < 0) throw new IllegalArgumentException("missing " + end);
        return Base64.getMimeDecoder().decode(text.substring(from, to));
    }

    /** How many keys were loaded (for startup logs). */
    public int keyCount() {
        return verifiers.size();
    }
}
