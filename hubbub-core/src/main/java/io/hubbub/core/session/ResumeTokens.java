package io.hubbub.core.session;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * Resume tokens: {@code <sessionId>.<HMAC-SHA256(secret, sessionId)>}. Every node of a cluster shares
 * the secret (derived from the JWT secret), so a client may resume on any node. The token only names
 * the session; the resumable state lives in the engine's SessionStore for the resume window.
 */
public final class ResumeTokens {
    private final SecretKeySpec key;

    public ResumeTokens(byte[] secret) {
        this.key = new SecretKeySpec(secret, "HmacSHA256");
    }

    public String issue(String sessionId) {
        return sessionId + "." + mac(sessionId);
    }

    /** @return the session id, or null if the token is malformed or forged */
    public String verify(String token) {
        if (token == null) return null;
        int dot = token.lastIndexOf('.');
        if (dot <= 0) return null;
        String id = token.substring(0, dot);
        byte[] given = token.substring(dot + 1).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(given, mac(id).getBytes(StandardCharsets.US_ASCII)) ? id : null;
    }

    private String mac(String id) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            return Base64.getUrlEncoder().withoutPadding().encodeToString(m.doFinal(id.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
