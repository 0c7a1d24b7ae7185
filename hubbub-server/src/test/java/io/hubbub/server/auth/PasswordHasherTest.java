package io.hubbub.server.auth;

import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;

/** Real Argon2id hashing: format, verification, interoperability with the reference implementation, timing. */
class PasswordHasherTest {

    private static final PasswordHasher HASHER = new PasswordHasher();

    @Test
    void hashesAreArgon2idPhcStringsWithTheDocumentedCostAndRandomSalt() {
        String a = HASHER.hash("correct horse battery staple");
        String b = HASHER.hash("correct horse battery staple");
        assertThat(a).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
        assertThat(a.split("\\$")).hasSize(6);
        assertThat(a).isNotEqualTo(b); // a fresh salt each time
        assertThat(HASHER.verify("correct horse battery staple", a)).isTrue();
        assertThat(HASHER.verify("correct horse battery staple", b)).isTrue();
        assertThat(HASHER.verify("correct horse battery stapler", a)).isFalse();
        assertThat(HASHER.verify("", a)).isFalse();
    }

    @Test
    void verifiesAHashMadeByTheArgon2ReferenceImplementation() {
        // Made with the reference CLI: echo -n "correct horse battery staple" |
        //   argon2 hubbubsaltvalue1 -id -t 2 -k 19456 -p 1 -l 32 -e
        String reference = "$argon2id$v=19$m=19456,t=2,p=1$aHViYnVic2FsdHZhbHVlMQ$"
                + "bmTsYnw6SQR7LGSjMSSY39kGdxnadDBzhZ7ZtRJmEiM";
        assertThat(HASHER.verify("correct horse battery staple", reference)).isTrue();
        assertThat(HASHER.verify("Correct horse battery staple", reference)).isFalse();
        assertThat(HASHER.needsRehash(reference)).isFalse();
    }

    @Test
    void malformedOrForeignHashesNeverVerify() {
        assertThat(HASHER.verify("password1", null)).isFalse();
        assertThat(HASHER.verify(null, HASHER.hash("password1"))).isFalse();
        assertThat(HASHER.verify("password1", "plaintext")).isFalse();
        assertThat(HASHER.verify("password1", "$argon2id$v=19$m=19456,t=2,p=1$broken")).isFalse();
        assertThat(HASHER.verify("password1", "$2a$10$abcdefghijklmnopqrstuu")).isFalse();
        // a stored hash demanding 1 GiB is refused instead of computed
        assertThat(HASHER.verify("password1", "$argon2id$v=19$m=1048576,t=2,p=1$aHViYnVic2FsdHZhbHVlMQ$"
                + "bmTsYnw6SQR7LGSjMSSY39kGdxnadDBzhZ7ZtRJmEiM")).isFalse();
    }

    @Test
    void cheaperHashesAreFlaggedForRehash() {
        PasswordHasher cheap = new PasswordHasher(1024, 1, 1);
        String old = cheap.hash("password1");
        assertThat(old).contains("m=1024,t=1,p=1");
        assertThat(HASHER.verify("password1", old)).isTrue(); // parameters travel in the hash
        assertThat(HASHER.needsRehash(old)).isTrue();
        assertThat(HASHER.needsRehash(HASHER.hash("password1"))).isFalse();
    }

    @Test
    void dummyVerificationNeverSucceedsAndCostsAboutAsMuchAsARealOne() {
        String real = HASHER.hash("password1");
        assertThat(HASHER.verifyDummy("password1")).isFalse();
        long[] realTimes = new long[5];
        long[] dummyTimes = new long[5];
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            HASHER.verify("wrong-password", real);
            long t1 = System.nanoTime();
            HASHER.verifyDummy("wrong-password");
            long t2 = System.nanoTime();
            realTimes[i] = t1 - t0;
            dummyTimes[i] = t2 - t1;
        }
        Arrays.sort(realTimes);
        Arrays.sort(dummyTimes);
        double ratio = (double) dummyTimes[2] / realTimes[2];
        // Bounds wide enough for a shared, loaded 2-core machine (0.18 was seen under load); a dummy that
        // skipped Argon2 would be ~1000x faster (ratio ~0.001), one that hashed twice ~2x slower.
        assertThat(ratio).isBetween(0.05, 5.0);
    }
}
