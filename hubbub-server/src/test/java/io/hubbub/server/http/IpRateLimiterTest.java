package io.hubbub.server.http;

import io.hubbub.core.protocol.HubbubException;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IpRateLimiterTest {
    @Test
    void anAddressOverItsBurstIsRateLimitedAndOthersAreNot() {
        IpRateLimiter l = new IpRateLimiter(1, 3, 100);
        for (int i = 0; i < 3; i++) l.check("10.0.0.1");
        assertThatThrownBy(() -> l.check("10.0.0.1")).isInstanceOf(HubbubException.class).hasMessageContaining("too many attempts");
        l.check("10.0.0.2");
    }

    @Test
    void trackedAddressesAreBounded() {
        IpRateLimiter l = new IpRateLimiter(1000, 1000, 10);
        for (int i = 0; i < 50; i++) l.check("10.0.1." + i);
        assertThat(l.tracked()).isEqualTo(10);
    }

    @Test
    void signInFloodsGetHttp429() throws Exception {
        try (TestHubbub hub = TestHubbub.start(java.util.Map.of("auth.attemptsPerSecond", "5", "auth.attemptBurst", "10"))) {
            HttpClient http = HttpClient.newHttpClient();
            int limited = 0;
            var pending = new java.util.ArrayList<java.util.concurrent.CompletableFuture<HttpResponse<String>>>();
            for (int i = 0; i < 30; i++) {
                pending.add(http.sendAsync(HttpRequest.newBuilder(hub.http("/api/auth/signin")).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"nobody\",\"password\":\"wrong-password\"}")).build(),
                        HttpResponse.BodyHandlers.ofString()));
            }
            for (var f : pending) {
                HttpResponse<String> r = f.get();
                if (r.statusCode() == 429) {
                    limited++;
                    assertThat(r.body()).contains("rate_limited");
                } else {
                    assertThat(r.statusCode()).isEqualTo(401);
                }
            }
            assertThat(limited).isGreaterThan(0);
        }
    }
}
