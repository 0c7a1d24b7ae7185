package io.hubbub.server.auth;

import io.hubbub.core.auth.Principal;
import io.hubbub.core.auth.Role;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Configured API keys for server-to-server calls (HTTP publishing, the admin API). A key authenticates as a
 * {@link Role#SERVICE} principal with user id {@code service:<name>}.
 *
 * <p>Comparison is constant-time: the presented key and every configured key are hashed with SHA-256 and
 * compared with {@link MessageDigest#isEqual}, and every configured key is always compared, so neither the
 * position of the first differing byte, nor the key's length, nor which key matched shows in the timing.
 * Only digests are kept in memory. CPU-only and thread-safe.
 */
public final class ApiKeys {

    public static final int MIN_KEY_CHARS = 16;

    private record Entry(String name, byte[] digest) {}

    private final List<Entry> entries;

    /**
     * @param keys name → key; names are for logs and principals, keys must be at least
     *             {@value #MIN_KEY_CHARS} characters and distinct
     * @throws IllegalArgumentException for a blank name, a short key or a key given twice (the message names
     *                                  the key, never its value)
     */
    public ApiKeys(Map<String, String> keys) {
        List<Entry> list = new ArrayList<>();
        keys.forEach((name, key) -> {
            if (name == null || name.isBlank()) throw new IllegalArgumentException("an API key has no name");
            if (key == null || key.length() < MIN_KEY_CHARS) {
                throw new IllegalArgumentException("API key '" + name + "' must be at least " + MIN_KEY_CHARS
                        + " characters");
            }
            byte[] digest = sha256(key);
            for (Entry e : list) {
                if (MessageDigest.isEqual(e.digest, digest)) {
                    throw new IllegalArgumentException("API keys '" + e.name + "' and '" + name + "' are the same");
                }
            }
            list.add(new Entry(name, digest));
        });
        this.entries = List.copyOf(list);
    }

    public static ApiKeys none() {
        return new ApiKeys(Map.of());
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The service principal of {@code presented}, or empty if it is no configured key. */
    public Optional<Principal> find(String presented) {
        // no keys configured: nothing to compare (every connect with a token asks here first)
        if (entries.isEmpty() || presented == null || presented.isEmpty() || presented.length() > 1024) return Optional.empty();
        byte[] digest = sha256(presented);
        Entry match = null;
        for (Entry e : entries) {
            // no early exit: the loop costs the same whichever key matches
            if (MessageDigest.isEqual(e.digest, digest) && match == null) match = e;
        }
        if (match == null) return Optional.empty();
        return Optional.of(new Principal("service:" + match.name, match.name, Role.SERVICE, null, 0));
    }

    /** @throws HubbubException {@code unauthorized} "invalid api key" if {@code presented} is no configured key */
    public Principal authenticate(String presented) {
        return find(presented).orElseThrow(() -> new HubbubException(ErrorCode.UNAUTHORIZED, "invalid api key"));
    }

    private static byte[] sha256(String s) {
        MessageDigest md = SHA256.get(); // one per thread: getInstance looks the provider up on every call
        md.reset();
        return md.digest(s.getBytes(StandardCharsets.UTF_8));
    }

    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    });
}
