package io.hubbub.server.it;

import io.hubbub.core.auth.Principal;
import io.hubbub.core.auth.Role;
import io.hubbub.server.it.HttpApiTest.Res;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.hubbub.server.it.HttpApiTest.bearer;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * "Sign out everywhere" revokes a user's earlier tokens for connections and the HTTP API, and closes
 * the user's connections; with auth.requireAccount, tokens of user ids without an account (deleted, or
 * forged with a leaked secret) are refused.
 */
class TokenRevocationTest {

    /** A token for {@code user} issued {@code ago} in the past (as a token minted before a revocation is). */
    static String tokenIssuedAgo(TestHubbub hub, String userId, Duration ago) {
        var jwt = new io.hubbub.server.auth.JwtService(io.hubbub.server.config.AuthConfig.DEV_JWT_SECRET.getBytes(),
                Duration.ofHours(24), null, java.time.Clock.offset(java.time.Clock.systemUTC(), ago.negated()));
        return jwt.issue(new Principal(userId, userId, Role.USER, null, 0)).token();
    }

    @Test
    void signingOutEverywhereRevokesEarlierTokensAndClosesConnections() {
        try (TestHubbub hub = TestHubbub.start(Map.of("limits.connectsPerIpPerSecond", "1000"))) {
            Res up = HttpApiTest.call(hub, "POST", "/api/auth/signup", Map.of("username", "leaky", "password", "correct-horse"));
            String userId = up.body().path("user").path("id").asText();
            String old = tokenIssuedAgo(hub, userId, Duration.ofMinutes(5)); // e.g. stolen earlier
            assertThat(HttpApiTest.call(hub, "GET", "/api/me", null, "Authorization", bearer(old)).status()).isEqualTo(200);
            try (NativeClient live = NativeClient.connect(hub.wsUrl() + "?token=" + old)) {
                live.event("session:welcome");
                Res out = HttpApiTest.call(hub, "POST", "/api/me/logout-all", null, "Authorization", bearer(old));
                assertThat(out.status()).as(out.body().toString()).isEqualTo(200);
                assertThat(out.body().path("disconnected").asInt()).isEqualTo(1);
                assertThat(live.awaitClose()).isEqualTo(4003);
            }
            Res me = HttpApiTest.call(hub, "GET", "/api/me", null, "Authorization", bearer(old));
            assertThat(me.status()).isEqualTo(401);
            assertThat(me.message()).isEqualTo("token revoked");
            try (NativeClient again = NativeClient.connect(hub.wsUrl() + "?token=" + old)) {
                assertThat(again.awaitClose()).isEqualTo(4003);
            }
            // a new sign-in works
            Res in = HttpApiTest.call(hub, "POST", "/api/auth/signin", Map.of("username", "leaky", "password", "correct-horse"));
            try (NativeClient fresh = NativeClient.connect(hub.wsUrl() + "?token=" + in.body().path("token").asText())) {
                fresh.event("session:welcome");
            }
        }
    }

    @Test
    void withRequireAccountTokensOfUnknownUsersAreRefused() {
        try (TestHubbub hub = TestHubbub.start(Map.of("auth.requireAccount", "true"))) {
            String forged = hub.token("never-existed");
            assertThat(HttpApiTest.call(hub, "GET", "/api/rooms", null, "Authorization", bearer(forged)).status()).isEqualTo(401);
            try (NativeClient c = NativeClient.connect(hub.wsUrl() + "?token=" + forged)) {
                assertThat(c.awaitClose()).isEqualTo(4003);
            }
            Res up = HttpApiTest.call(hub, "POST", "/api/auth/signup", Map.of("username", "real", "password", "correct-horse"));
            try (NativeClient ok = NativeClient.connect(hub.wsUrl() + "?token=" + up.body().path("token").asText())) {
                ok.event("session:welcome");
            }
            // only the database knows who has an account: these were looked up one by one
            assertThat(hub.metric("hubbub_token_revocation_lookups_total")).isPositive();
        }
    }

    /**
     * A node decides the connects of users with no recent revocation from its node-wide view (loaded in
     * bulk at start and refreshed), without a database lookup per connection; its own revocations
     * apply to that view at once.
     */
    @Test
    void connectsAreDecidedFromTheNodeWideViewWithoutALookupEach() {
        try (TestHubbub hub = TestHubbub.start(Map.of("limits.connectsPerIpPerSecond", "1000"))) {
            for (int i = 0; i < 20; i++) {
                try (NativeClient c = NativeClient.connect(hub.wsUrl() + "?token=" + hub.token("viewer-" + i))) {
                    c.event("session:welcome");
                }
            }
            Res up = HttpApiTest.call(hub, "POST", "/api/auth/signup", Map.of("username", "viewed", "password", "correct-horse"));
            String userId = up.body().path("user").path("id").asText();
            String old = tokenIssuedAgo(hub, userId, Duration.ofMinutes(5));
            assertThat(HttpApiTest.call(hub, "POST", "/api/me/logout-all", null, "Authorization", bearer(old)).status()).isEqualTo(200);
            try (NativeClient again = NativeClient.connect(hub.wsUrl() + "?token=" + old)) {
                assertThat(again.awaitClose()).isEqualTo(4003);
            }
            assertThat(hub.server().metrics().scrape()).contains("hubbub_token_revocation_lookups_total 0.0");
        }
    }

    /** A revocation made on another node of the cluster (same database) reaches this node's view by its refresh. */
    @Test
    void aRevocationOnAnotherNodeIsRefusedHereAfterTheRefresh() throws Exception {
        java.nio.file.Path shared = java.nio.file.Files.createTempDirectory("revocation-cluster");
        Map<String, String> o = Map.of("limits.connectsPerIpPerSecond", "1000");
        try (TestHubbub a = TestHubbub.start(shared, o); TestHubbub b = TestHubbub.start(shared, o)) {
            Res up = HttpApiTest.call(a, "POST", "/api/auth/signup", Map.of("username", "roamer", "password", "correct-horse"));
            String userId = up.body().path("user").path("id").asText();
            String old = tokenIssuedAgo(a, userId, Duration.ofMinutes(5));
            try (NativeClient c = NativeClient.connect(a.wsUrl() + "?token=" + old)) {
                c.event("session:welcome");
            }
            assertThat(HttpApiTest.call(b, "POST", "/api/me/logout-all", null, "Authorization", bearer(old)).status()).isEqualTo(200);
            int closedWith = 0;
            // bounded: the view refreshes every 5 s (TokenRevocation.REFRESH_EVERY); 60 tries of at least 0.5 s each
            for (int i = 0; i < 60 && closedWith != 4003; i++) {
                Thread.sleep(500);
                try (NativeClient c = NativeClient.connect(a.wsUrl() + "?token=" + old)) {
                    closedWith = welcomedOrClosed(c);
                }
            }
            assertThat(closedWith).isEqualTo(4003);
        }
    }

    /** 0 once welcomed, the close code once closed (bounded wait). */
    private static int welcomedOrClosed(NativeClient c) {
        for (int i = 0; i < 200; i++) {
            if (c.isClosed()) return c.awaitClose();
            if (c.sees(f -> "session:welcome".equals(f.path("type").asText()), 100)) return 0;
        }
        throw new AssertionError("neither welcomed nor closed");
    }
}
