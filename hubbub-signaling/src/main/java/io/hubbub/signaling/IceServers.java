package io.hubbub.signaling;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.protocol.Json;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.Base64;
import java.util.List;

/**
 * The ICE servers a peer should use, with TURN credentials by the TURN REST API scheme that coturn
 * implements with {@code use-auth-secret}: username {@code <expiry unix seconds>:<userId>}, password
 * {@code base64(HMAC-SHA1(secret, username))}. The TURN server checks the signature and the expiry
 * itself; nothing is stored here. Thread-safe (a Mac per call).
 */
public final class IceServers {
    private final List<String> stun;
    private final List<String> turn;
    private final byte[] secret;
    private final Duration ttl;

    public IceServers(List<String> stun, List<String> turn, String secret, Duration ttl) {
        this.stun = List.copyOf(stun);
        this.turn = List.copyOf(turn);
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.ttl = ttl;
    }

    /** True when TURN URLs are configured (credentials expire and must be refreshed). */
    public boolean hasTurn() {
        return !turn.isEmpty();
    }

    /**
     * How long after issuing credentials a client should get fresh ones: 80% of the TTL less a second
     * (the expiry is in whole seconds, so credentials may live up to a second less than the TTL), and at
     * least half the TTL. Always before the expiry.
     */
    public long refreshAfterMillis() {
        long ms = ttl.toMillis();
        return Math.max(ms / 2, ms * 4 / 5 - 1000);
    }

    /** Credentials for one user. */
    public record Credentials(String username, String password, long expiresAtMillis) {}

    public Credentials credentials(String userId, long nowMillis) {
        long expiry = nowMillis / 1000 + ttl.toSeconds();
        String username = expiry + ":" + userId;
        return new Credentials(username, password(secret, username), expiry * 1000);
    }

    /** {@code base64(HMAC-SHA1(secret, username))}, as coturn computes it. */
    static String password(byte[] secret, String username) {
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(secret, "HmacSHA1"));
            return Base64.getEncoder().encodeToString(mac.doFinal(username.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA1 unavailable", e);
        }
    }

    /**
     * {@code {"iceServers":[{"urls":[…]},{"urls":[…],"username","credential"}],"expiresAt","refreshAt"}}:
     * the list is RTCConfiguration.iceServers as is; refreshAt (about 80% of the lifetime) tells a long call
     * when to ask again. expiresAt/refreshAt are 0 without TURN.
     */
    public ObjectNode forUser(String userId, long nowMillis) {
        ObjectNode out = Json.object();
        ArrayNode list = out.putArray("iceServers");
        if (!stun.isEmpty()) {
            ArrayNode urls = list.addObject().putArray("urls");
            stun.forEach(urls::add);
        }
        long expires = 0, refresh = 0;
        if (!turn.isEmpty()) {
            Credentials c = credentials(userId, nowMillis);
            ObjectNode t = list.addObject();
            ArrayNode urls = t.putArray("urls");
            turn.forEach(urls::add);
            t.put("username", c.username()).put("credential", c.password());
            expires = c.expiresAtMillis();
            refresh = nowMillis + refreshAfterMillis();
        }
        return out.put("expiresAt", expires).put("refreshAt", refresh);
    }
}
