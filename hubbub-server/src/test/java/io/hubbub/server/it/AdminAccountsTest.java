package io.hubbub.server.it;

import io.hubbub.server.cli.HubbubCli;
import io.hubbub.server.it.HttpApiTest.Res;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import io.hubbub.store.EmbeddedPostgresHolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static io.hubbub.server.it.HttpApiTest.bearer;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Admin accounts: {@code hubbub users create/role} on the configured database without a running server, and
 * {@code PUT /api/admin/users/{id}/role} on a running one. A promotion counts from the next token, a demotion
 * revokes the user's tokens and closes its connections, and the last admin is never demoted
 * ({@code last_admin}), by either path; on SQLite and PostgreSQL.
 */
class AdminAccountsTest {
    @TempDir
    Path dir;

    record Run(int code, String out, String err) {}

    /** The real CLI in-process, with {@code stdin} as standard input and the database options {@code db}. */
    static Run cli(List<String> db, String stdin, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(db);
        StringWriter out = new StringWriter(), err = new StringWriter();
        int code = HubbubCli.execute(Map.of(), () -> new BufferedReader(new StringReader(stdin)), new PrintWriter(out),
                new PrintWriter(err), all.toArray(String[]::new));
        return new Run(code, out.toString(), err.toString());
    }

    static Res signIn(TestHubbub hub, String user, String password) {
        Res r = HttpApiTest.call(hub, "POST", "/api/auth/signin", Map.of("username", user, "password", password));
        assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
        return r;
    }

    static Res setRole(TestHubbub hub, String token, String userId, Object body) {
        return HttpApiTest.call(hub, "PUT", "/api/admin/users/" + userId + "/role", body, "Authorization", bearer(token));
    }

    static int adminCall(TestHubbub hub, String token) {
        return HttpApiTest.call(hub, "GET", "/api/admin/connections", null, "Authorization", bearer(token)).status();
    }

    @Test
    void onSqlite() {
        roundTrip(List.of("--data-dir", dir.toString()), Map.of());
    }

    @Test
    void onPostgres() {
        String url = EmbeddedPostgresHolder.freshDatabaseUrl();
        roundTrip(List.of("--set", "storage.jdbcUrl=" + url), Map.of("storage.jdbcUrl", url));
    }

    private void roundTrip(List<String> db, Map<String, String> serverConfig) {
        // before any server ran on this database: the CLI migrates it and makes the first admin
        Run boss = cli(db, "boss-password-1\n", "users", "create", "--username", "boss", "--admin", "--password-stdin");
        assertThat(boss.code()).as(boss.err()).isZero();
        assertThat(boss.out()).startsWith("created admin boss (id ").doesNotContain("boss-password-1");
        assertThat(boss.err()).doesNotContain("boss-password-1");
        Run alice = cli(db, "alice-password\r\n", "users", "create", "-u", "alice", "--password-stdin"); // CRLF: the \r is no part of it
        assertThat(alice.code()).as(alice.err()).isZero();
        assertThat(alice.out()).startsWith("created user alice");
        Run taken = cli(db, "another-password\n", "users", "create", "-u", "ALICE", "--password-stdin");
        assertThat(taken.code()).isEqualTo(HubbubCli.RUNTIME_ERROR);
        assertThat(taken.err()).contains("conflict");
        Run shortPw = cli(db, "short\n", "users", "create", "-u", "bob", "--password-stdin");
        assertThat(shortPw.code()).isEqualTo(HubbubCli.RUNTIME_ERROR);
        assertThat(shortPw.err()).contains("bad_request").doesNotContain("short\n");
        assertThat(cli(db, "", "users", "create", "-u", "bob", "--password-stdin").code()).as("no password").isEqualTo(HubbubCli.USAGE_ERROR);
        assertThat(cli(db, "", "users", "role", "alice", "root").code()).isEqualTo(HubbubCli.USAGE_ERROR);
        Run nobody = cli(db, "", "users", "role", "nobody", "admin");
        assertThat(nobody.code()).isEqualTo(HubbubCli.RUNTIME_ERROR);
        assertThat(nobody.err()).contains("not_found");
        Run lastByCli = cli(db, "", "users", "role", "boss", "user");
        assertThat(lastByCli.code()).isEqualTo(HubbubCli.RUNTIME_ERROR);
        assertThat(lastByCli.err()).contains("last_admin");

        try (TestHubbub hub = TestHubbub.start(dir, serverConfig)) {
            Res b = signIn(hub, "boss", "boss-password-1");
            assertThat(b.body().path("user").path("role").asText()).isEqualTo("admin");
            String bossToken = b.body().path("token").asText();
            String bossId = b.body().path("user").path("id").asText();
            assertThat(adminCall(hub, bossToken)).isEqualTo(200);
            Res a = signIn(hub, "alice", "alice-password");
            assertThat(a.body().path("user").path("role").asText()).isEqualTo("user");
            String aliceUserToken = a.body().path("token").asText();
            String aliceId = a.body().path("user").path("id").asText();
            assertThat(adminCall(hub, aliceUserToken)).isEqualTo(403);

            // only admins change roles; bad input is refused without effect
            assertThat(setRole(hub, aliceUserToken, aliceId, Map.of("role", "admin")).status()).isEqualTo(403);
            for (Object bad : List.of(Map.of("role", "root"), Map.of("role", "ADMIN"), Map.of("role", 1), Map.of(), "[1]", "{")) {
                Res r = setRole(hub, bossToken, aliceId, bad);
                assertThat(r.status()).as(bad.toString()).isEqualTo(400);
                assertThat(r.code()).isEqualTo("bad_request");
            }
            Res unknown = setRole(hub, bossToken, "no-such-user", Map.of("role", "admin"));
            assertThat(unknown.status()).isEqualTo(404);
            assertThat(unknown.code()).isEqualTo("not_found");
            assertThat(signIn(hub, "alice", "alice-password").body().path("user").path("role").asText()).isEqualTo("user");

            // promotion: the next token carries it, the current one does not
            Res up = setRole(hub, bossToken, aliceId, Map.of("role", "admin"));
            assertThat(up.status()).as(up.body().toString()).isEqualTo(200);
            assertThat(up.body().path("user").path("role").asText()).isEqualTo("admin");
            assertThat(up.body().path("tokensRevoked").asBoolean(true)).isFalse();
            assertThat(adminCall(hub, aliceUserToken)).isEqualTo(403);
            Res aliceAdmin = signIn(hub, "alice", "alice-password");
            assertThat(aliceAdmin.body().path("user").path("role").asText()).isEqualTo("admin");
            String aliceAdminToken = aliceAdmin.body().path("token").asText();
            assertThat(adminCall(hub, aliceAdminToken)).isEqualTo(200);

            // demotion: her tokens are revoked and her connection closes
            try (NativeClient live = NativeClient.connect(hub.wsUrl() + "?token=" + aliceAdminToken)) {
                live.event("session:welcome");
                Res down = setRole(hub, bossToken, aliceId, Map.of("role", "user"));
                assertThat(down.status()).as(down.body().toString()).isEqualTo(200);
                assertThat(down.body().path("user").path("role").asText()).isEqualTo("user");
                assertThat(down.body().path("tokensRevoked").asBoolean()).isTrue();
                assertThat(down.body().path("disconnected").asInt()).isEqualTo(1);
                assertThat(live.awaitClose()).isEqualTo(4003);
            }
            assertThat(adminCall(hub, aliceAdminToken)).isEqualTo(401);
            assertThat(adminCall(hub, aliceUserToken)).as("every earlier token").isEqualTo(401);
            assertThat(signIn(hub, "alice", "alice-password").body().path("user").path("role").asText()).isEqualTo("user");

            // the last admin stays: by the API (even demoting oneself) and by the CLI next to the running server
            Res last = setRole(hub, bossToken, bossId, Map.of("role", "user"));
            assertThat(last.status()).isEqualTo(409);
            assertThat(last.code()).isEqualTo("last_admin");
            assertThat(adminCall(hub, bossToken)).as("nothing changed").isEqualTo(200);
            assertThat(cli(db, "", "users", "role", bossId, "user").err()).contains("last_admin");

            // with a second admin (made by the CLI) the first one can step down
            Run promote = cli(db, "", "users", "role", "alice", "admin");
            assertThat(promote.code()).as(promote.err()).isZero();
            assertThat(promote.out()).contains("alice").contains("is now admin");
            Res stepDown = setRole(hub, bossToken, bossId, Map.of("role", "user"));
            assertThat(stepDown.status()).as(stepDown.body().toString()).isEqualTo(200);
            assertThat(adminCall(hub, bossToken)).isEqualTo(401);
            assertThat(signIn(hub, "boss", "boss-password-1").body().path("user").path("role").asText()).isEqualTo("user");
            Res aliceNow = signIn(hub, "alice", "alice-password");
            assertThat(aliceNow.body().path("user").path("role").asText()).isEqualTo("admin");

            // two admins demoting each other at the same moment: exactly one of them stays
            String[] ids = {aliceId, bossId};
            String[][] logins = {{"alice", "alice-password"}, {"boss", "boss-password-1"}};
            String[] tokens = {usableAdminToken(hub, "alice", "alice-password"), null};
            assertThat(setRole(hub, tokens[0], bossId, Map.of("role", "admin")).status()).isEqualTo(200);
            tokens[1] = usableAdminToken(hub, "boss", "boss-password-1");
            for (int round = 0; round < 3; round++) {
                CyclicBarrier together = new CyclicBarrier(2);
                List<CompletableFuture<Res>> calls = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    String token = tokens[i], other = ids[1 - i];
                    calls.add(CompletableFuture.supplyAsync(() -> {
                        try {
                            together.await(10, TimeUnit.SECONDS);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        return setRole(hub, token, other, Map.of("role", "user"));
                    }, Executors.newVirtualThreadPerTaskExecutor())); // its own thread: the common pool may have one
                }
                Res first = calls.get(0).join(), second = calls.get(1).join();
                // the loser is refused either by the rule (409 last_admin) or, when the winner's demotion of it
                // committed first, by its own revoked token (401): both leave exactly one admin
                assertThat(List.of(first.status(), second.status())).as(first.body() + " / " + second.body()).containsOnlyOnce(200);
                Res refused = first.status() == 200 ? second : first;
                assertThat(refused.status() + " " + refused.code()).isIn("409 last_admin", "401 unauthorized");
                int survivor = first.status() == 200 ? 0 : 1; // the caller whose demotion of the other went through
                assertThat(adminCall(hub, tokens[survivor])).as("the survivor is still an admin").isEqualTo(200);
                assertThat(setRole(hub, tokens[survivor], ids[1 - survivor], Map.of("role", "admin")).status()).isEqualTo(200);
                tokens[1 - survivor] = usableAdminToken(hub, logins[1 - survivor][0], logins[1 - survivor][1]);
            }
        }
    }

    /**
     * Signs in until the token works on the admin API: a token issued within the second of the account's
     * demotion is refused (second-precision revocation), so at most a few tries a quarter second apart.
     */
    static String usableAdminToken(TestHubbub hub, String user, String password) {
        for (int i = 0; i < 12; i++) {
            Res r = signIn(hub, user, password);
            assertThat(r.body().path("user").path("role").asText()).isEqualTo("admin");
            String token = r.body().path("token").asText();
            if (adminCall(hub, token) == 200) return token;
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new AssertionError(user + " got no working admin token");
    }
}
