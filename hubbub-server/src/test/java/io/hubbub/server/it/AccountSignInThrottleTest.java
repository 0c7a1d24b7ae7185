package io.hubbub.server.it;

import io.hubbub.server.it.HttpApiTest.Res;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Per-account sign-in throttle over real HTTP: password guesses spread over many addresses (each under
 * the per-IP limit; simulated behind a trusted proxy) are slowed per account with 429 and Retry-After,
 * also for names without an account, while the owner signing in from a known address is not locked out.
 */
class AccountSignInThrottleTest {
    static TestHubbub hub;

    @BeforeAll
    static void start() {
        hub = TestHubbub.start(Map.of("server.trustProxy", "true", "server.trustedProxies", "127.0.0.1/32",
                "auth.accountFailuresBeforeDelay", "3", "auth.accountBaseDelay", "10m", "auth.accountMaxDelay", "10m"));
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    static Res signIn(String user, String password, String clientIp) {
        return HttpApiTest.call(hub, "POST", "/api/auth/signin", Map.of("username", user, "password", password),
                "X-Forwarded-For", clientIp);
    }

    @Test
    void guessesFromManyAddressesAreSlowedPerAccountButTheOwnerGetsIn() {
        Res up = HttpApiTest.call(hub, "POST", "/api/auth/signup", Map.of("username", "victim", "password", "correct-horse"),
                "X-Forwarded-For", "198.51.100.7");
        assertThat(up.status()).isEqualTo(201);
        for (int i = 1; i <= 3; i++) assertThat(signIn("victim", "guess-" + i, "203.0.113." + i).status()).isEqualTo(401);
        Res blocked = signIn("victim", "guess-4", "203.0.113.4");
        assertThat(blocked.status()).isEqualTo(429);
        assertThat(blocked.code()).isEqualTo("rate_limited");
        assertThat(blocked.raw().headers().firstValue("Retry-After")).hasValueSatisfying(v -> assertThat(Long.parseLong(v)).isPositive());
        // even the right password from an unknown address waits: a guess must not be confirmed during the block
        assertThat(signIn("victim", "correct-horse", "203.0.113.5").status()).isEqualTo(429);
        // the owner, from the address it signed up from, is not locked out
        assertThat(signIn("victim", "correct-horse", "198.51.100.7").status()).isEqualTo(200);
    }

    @Test
    void namesWithoutAnAccountAreThrottledAlike() {
        for (int i = 1; i <= 3; i++) assertThat(signIn("no-such-user", "guess-" + i, "203.0.113.1" + i).status()).isEqualTo(401);
        assertThat(signIn("no-such-user", "guess-4", "203.0.113.20").status()).isEqualTo(429);
    }
}
