package io.hubbub.server.it;

import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * X-Forwarded-For is believed only from configured proxies, and then only its right-most hop that is
 * not a trusted proxy: a client rotating a forged header does not escape the per-IP sign-in and connect
 * limits, whether it talks to Hubbub directly or through a trusted proxy that appends the real address.
 */
class TrustedProxyTest {

    static HttpApiTest.Res signIn(TestHubbub hub, String xff) {
        return HttpApiTest.call(hub, "POST", "/api/auth/signin", Map.of("username", "nobody", "password", "wrong-password"),
                "X-Forwarded-For", xff);
    }

    /** Sign-in attempts, each with a new forged left-most hop followed by {@code suffix}; counts the 429s. */
    static int rateLimitedSignIns(TestHubbub hub, String suffix) {
        int limited = 0;
        for (int i = 0; i < 8; i++) {
            HttpApiTest.Res r = signIn(hub, "198.51.100." + (i + 1) + suffix);
            if (r.status() == 429) limited++;
            else assertThat(r.status()).isEqualTo(401);
        }
        return limited;
    }

    @Test
    void aForgedHeaderFromAPeerThatIsNoTrustedProxyIsIgnored() {
        // the test client (127.0.0.1) is not among the trusted proxies: its header must not count
        try (TestHubbub hub = TestHubbub.start(Map.of("server.trustProxy", "true", "server.trustedProxies", "10.0.0.0/8",
                "auth.attemptsPerSecond", "1", "auth.attemptBurst", "2", "limits.connectsPerIpPerSecond", "2"))) {
            assertThat(rateLimitedSignIns(hub, "")).as("sign-ins over the per-IP limit").isGreaterThanOrEqualTo(5);
            int refused = 0;
            for (int i = 0; i < 8; i++) {
                try (NativeClient c = NativeClient.connect(hub.wsUrl() + "?token=" + hub.token("xff-" + i),
                        "X-Forwarded-For", "198.51.100." + (i + 1))) {
                    c.event("session:welcome");
                } catch (IllegalStateException refusedAtHandshake) {
                    refused++;
                }
            }
            assertThat(refused).as("connections over the per-IP connect rate").isGreaterThanOrEqualTo(4);
        }
    }

    @Test
    void behindATrustedProxyTheRightMostUntrustedHopIsTheClient() {
        // 127.0.0.1 plays the trusted proxy that appends the address it saw (203.0.113.9) to the client's header
        try (TestHubbub hub = TestHubbub.start(Map.of("server.trustProxy", "true", "server.trustedProxies", "127.0.0.1/32",
                "auth.attemptsPerSecond", "1", "auth.attemptBurst", "2"))) {
            assertThat(rateLimitedSignIns(hub, ", 203.0.113.9")).isGreaterThanOrEqualTo(5);
            // another real client behind the same proxy has its own budget
            assertThat(signIn(hub, "198.51.100.1, 203.0.113.10").status()).isEqualTo(401);
        }
    }
}
