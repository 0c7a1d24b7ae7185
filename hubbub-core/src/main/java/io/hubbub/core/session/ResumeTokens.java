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
    /** Initialised once with the key; every use works on a clone (a Mac is not thread-safe). */
    private final Mac prototype;
    /**
     * One Mac per platform thread (the event loops issue a token with every welcome): the provider
     * lookup and key set-up of {@code Mac.getInstance} + {@code init} were most of a token's cost.
     * Virtual threads get a fresh clone per use instead of a thread-local that would die with them.
     */
    private final ThreadLocal<Mac> perThread;

    public ResumeTokens(byte[] secret) {
        this.key = new SecretKeySpec(secret, "HmacSHA256");
        this.prototype = newMac();
        this.perThread = ThreadLocal.withInitial(this::copy);
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
        Mac m = Thread.currentThread().isVirtual() ? copy() : perThread.get();
        // doFinal resets the Mac to its keyed initial state, ready for the next use on this thread
        return Base64.getUrlEncoder().withoutPadding().encodeToString(m.doFinal(id.getBytes(StandardCharsets.UTF_8)));
    }

    private Mac copy() {
        try {
            return (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            return newMac(); // a provider without clone: a fresh instance each time, as before
        }
    }

    private Mac newMac() {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            return m;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
