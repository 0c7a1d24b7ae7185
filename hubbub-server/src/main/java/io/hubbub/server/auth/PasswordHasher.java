package io.hubbub.server.auth;

import com.password4j.Argon2Function;
import com.password4j.Password;
import com.password4j.types.Argon2;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.Objects;

/**
 * Argon2id password hashing (password4j, pure Java) with PHC-format results such as
 * {@code $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>}; the parameters travel inside each hash, so raising the
 * cost later still verifies old hashes (and {@link #needsRehash} tells which to upgrade).
 *
 * <p>Default cost: OWASP's first Argon2id recommendation, m = 19 MiB, t = 2, p = 1, 16-byte random salt,
 * 32-byte output. On this project's 2-core machine one hash or verification takes about 35–60 ms and 19 MiB,
 * so a handful of concurrent sign-ins fit easily; callers should still bound concurrency (sign-in rate
 * limits), since each one holds a core for that long.
 *
 * <p><b>Blocking and CPU-heavy</b>: run on virtual threads or a bounded executor, never on an event loop.
 * Thread-safe.
 */
public final class PasswordHasher {

    public static final int DEFAULT_MEMORY_KIB = 19 * 1024;
    public static final int DEFAULT_ITERATIONS = 2;
    public static final int DEFAULT_PARALLELISM = 1;
    private static final int SALT_BYTES = 16;
    private static final int OUTPUT_BYTES = 32;
    /** Stored hashes asking for more memory than this are refused rather than computed (256 MiB). */
    private static final int MAX_MEMORY_KIB = 256 * 1024;

    private final Argon2Function function;
    private final String dummyHash;

    /** The default cost (m = 19 MiB, t = 2, p = 1). */
    public PasswordHasher() {
        this(DEFAULT_MEMORY_KIB, DEFAULT_ITERATIONS, DEFAULT_PARALLELISM);
    }

    /**
     * @param memoryKib   memory cost in KiB (at least 8 × parallelism)
     * @param iterations  time cost (passes over memory), at least 1
     * @param parallelism lanes, at least 1
     */
    public PasswordHasher(int memoryKib, int iterations, int parallelism) {
        if (iterations < 1 || parallelism < 1 || memoryKib < 8 * parallelism || memoryKib > MAX_MEMORY_KIB) {
            throw new IllegalArgumentException("invalid Argon2 cost: m=" + memoryKib + " KiB, t=" + iterations
                    + ", p=" + parallelism);
        }
        this.function = Argon2Function.getInstance(memoryKib, iterations, parallelism, OUTPUT_BYTES, Argon2.ID,
                Argon2Function.ARGON2_VERSION_13);
        // A hash of a random secret nobody knows, with the same cost as real ones: verifying against it takes
        // as long as verifying a real account, and never succeeds.
        byte[] secret = new byte[32];
        new SecureRandom().nextBytes(secret);
        this.dummyHash = hash(Base64.getEncoder().encodeToString(secret));
    }

    /** Hashes with a fresh random salt; returns the PHC string. */
    public String hash(CharSequence password) {
        Objects.requireNonNull(password, "password");
        return Password.hash(password).addRandomSalt(SALT_BYTES).with(function).getResult();
    }

    /** True if {@code password} matches {@code phcHash}; false for a wrong password or a malformed hash. */
    public boolean verify(CharSequence password, String phcHash) {
        if (password == null || phcHash == null || !phcHash.startsWith("$argon2")) return false;
        try {
            Argon2Function stored = Argon2Function.getInstanceFromHash(phcHash);
            if (stored.getMemory() > MAX_MEMORY_KIB) return false;
            return stored.check(password, phcHash);
        } catch (RuntimeException malformed) {
            return false;
        }
    }

    /**
     * Does the work of one verification and returns false. Called when the account does not exist, so that
     * "no such user" takes as long as "wrong password" and timing does not reveal which usernames exist.
     */
    public boolean verifyDummy(CharSequence password) {
        verify(password == null ? "" : password, dummyHash);
        return false;
    }

    /** The hash {@link #verifyDummy} checks against: made with this hasher's parameters (tests). */
    String dummyHash() {
        return dummyHash;
    }

    /** True if the hash was made with other parameters than this hasher's (re-hash it at the next sign-in). */
    public boolean needsRehash(String phcHash) {
        try {
            Argon2Function stored = Argon2Function.getInstanceFromHash(phcHash);
            return !stored.equals(function);
        } catch (RuntimeException malformed) {
            return true;
        }
    }
}
