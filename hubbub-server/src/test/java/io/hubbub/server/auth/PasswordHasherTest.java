package io.hubbub.server.auth;

import org.junit.jupiter.api.Test;


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
        // the same cost by construction: the dummy hash carries this hasher's own Argon2 parameters
        assertThat(HASHER.needsRehash(HASHER.dummyHash())).isFalse();
        // and it is really computed: a dummy that skipped Argon2 would be ~1000x faster than a real check.
        // Fastest of 5 each (the least disturbed by a loaded machine); no upper bound: a slower dummy leaks
        // nothing, and the ratio swings by several times either way on a shared 2-core box.
        long realBest = Long.MAX_VALUE, dummyBest = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            long t0 = System.nanoTime();
            HASHER.verify("wrong-password", real);
            long t1 = System.nanoTime();
            HASHER.verifyDummy("wrong-password");
            long t2 = System.nanoTime();
            realBest = Math.min(realBest, t1 - t0);
            dummyBest = Math.min(dummyBest, t2 - t1);
        }
        assertThat((double) dummyBest / realBest).isGreaterThan(0.02);
    }
}
