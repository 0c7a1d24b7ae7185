package io.hubbub.chain;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.fakesolana.FakeSolana;
import io.hubbub.fakesolana.FakeTx;
import io.hubbub.core.protocol.Json;
import io.hubbub.redis.RedisServers;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import io.hubbub.store.EmbeddedPostgresHolder;
import org.junit.jupiter.api.Test;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static io.hubbub.chain.ChainTesting.HTTP;
import static io.hubbub.chain.ChainTesting.awaitConnected;
import static io.hubbub.chain.ChainTesting.listening;
import static io.hubbub.server.testing.Frames.p;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Wallet linking (good and forged signatures, nonces), every payment check with its error code,
 * replays and concurrent submits, scores and rankings:update, leaderboards, and transactions reaching
 * the owner of a linked wallet — on SQLite with the memory engine and on PostgreSQL with Redis.
 */
class PaymentsTest {

    static HttpResponse<String> call(TestHubbub hub, String method, String path, String token, JsonNode body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(hub.http(path)).header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.toString()));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> r) throws Exception {
        return Json.MAPPER.readTree(r.body());
    }

    /** Links a new wallet to {@code user} through the two routes; returns it. */
    static FakeTx.Wallet link(TestHubbub hub, String user) throws Exception {
        FakeTx.Wallet w = FakeTx.wallet();
        JsonNode n = json(call(hub, "POST", "/api/chain/wallets/nonce", hub.token(user), p("address", w.address())));
        assertThat(n.path("message").asText()).isEqualTo(WalletSignatures.message(user, w.address(), n.path("nonce").asText()));
        HttpResponse<String> r = call(hub, "POST", "/api/chain/wallets", hub.token(user),
                p("address", w.address(), "nonce", n.path("nonce").asText(), "signature", w.sign(n.path("message").asText())));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return w;
    }

    @Test
    void onSqliteAndTheMemoryEngine() throws Exception {
        try (FakeSolana node = new FakeSolana()) {
            String program = FakeTx.address();
            try (TestHubbub hub = TestHubbub.start(listening(node, program))) {
                everything(hub, node, program);
            }
        }
    }

    @Test
    void onPostgresAndRedis() throws Exception {
        try (FakeSolana node = new FakeSolana(); RedisServers.Server redis = RedisServers.single()) {
            String program = FakeTx.address();
            Map<String, String> o = new HashMap<>(listening(node, program));
            o.put("storage.jdbcUrl", EmbeddedPostgresHolder.freshDatabaseUrl());
            o.put("engine.type", "redis");
            o.put("engine.redis.uri", redis.uri());
            try (TestHubbub hub = TestHubbub.start(o)) {
                everything(hub, node, program);
            }
        }
    }

    static void everything(TestHubbub hub, FakeSolana node, String program) throws Exception {
        awaitConnected(hub);
        // --- wallet linking
        FakeTx.Wallet annWallet = link(hub, "ann");
        assertThat(json(call(hub, "GET", "/api/chain/wallets", hub.token("ann"), null)).path("wallets").get(0).asText()).isEqualTo(annWallet.address());
        FakeTx.Wallet forged = FakeTx.wallet(), other = FakeTx.wallet();
        JsonNode n = json(call(hub, "POST", "/api/chain/wallets/nonce", hub.token("bob"), p("address", forged.address())));
        HttpResponse<String> bad = call(hub, "POST", "/api/chain/wallets", hub.token("bob"), p("address", forged.address(),
                "nonce", n.path("nonce").asText(), "signature", other.sign(n.path("message").asText()))); // signed by another key
        assertThat(bad.statusCode()).isEqualTo(403);
        assertThat(json(bad).at("/error/code").asText()).isEqualTo("wallet_signature_invalid");
        HttpResponse<String> reused = call(hub, "POST", "/api/chain/wallets", hub.token("bob"), p("address", forged.address(),
                "nonce", n.path("nonce").asText(), "signature", forged.sign(n.path("message").asText())));
        assertThat(json(reused).at("/error/code").asText()).as("a nonce is single-use").isEqualTo("nonce_invalid");
        JsonNode n2 = json(call(hub, "POST", "/api/chain/wallets/nonce", hub.token("bob"), p("address", annWallet.address())));
        HttpResponse<String> stolen = call(hub, "POST", "/api/chain/wallets", hub.token("ann"), p("address", annWallet.address(),
                "nonce", n2.path("nonce").asText(), "signature", annWallet.sign(n2.path("message").asText())));
        assertThat(json(stolen).at("/error/code").asText()).as("bob's nonce is not ann's").isEqualTo("nonce_invalid");
        FakeTx.Wallet bobWallet = link(hub, "bob");

        // --- a room with a payment rule: SOL to the recipient, at least 1000 lamports, score = amount, increment
        String room = "pay-" + System.nanoTime(), recipient = FakeTx.address(), mint = FakeTx.address();
        assertThat(call(hub, "PUT", "/api/chain/rooms/" + room + "/payment", hub.token("ann"),
                p("recipient", recipient, "minAmount", 1000, "scoreRule", "amount")).statusCode()).as("admins only").isEqualTo(403);
        HttpResponse<String> rule = call(hub, "PUT", "/api/chain/rooms/" + room + "/payment", hub.adminToken("root"),
                p("recipient", recipient, "minAmount", 1000, "scoreRule", "amount", "operator", "increment", "reset", "never"));
        assertThat(rule.statusCode()).as(rule.body()).isEqualTo(200);

        try (NativeClient ann = hub.connect("ann"); NativeClient bob = hub.connect("bob"); NativeClient cat = hub.connect("cat")) {
            ann.ok("room:create", p("room", room, "name", "Pay"));
            bob.ok("room:join", p("room", room));
            cat.ok("room:join", p("room", room));

            // every failed check has its own code
            assertThat(code(ann, room, FakeTx.signature())).isEqualTo("tx_not_found");
            FakeTx.Builder pending = FakeTx.tx().sol(annWallet.address(), recipient, 5000);
            node.land(pending, false);
            node.hideAtFinalized(pending.signature());
            assertThat(ann.ok("chain:tx:submit", p("room", room, "signature", pending.signature())).path("status").asText())
                    .as("known but not finalized: awaited").isEqualTo("pending");
            assertThat(code(ann, room, node.land(FakeTx.tx().sol(annWallet.address(), recipient, 5000).failed(), false))).isEqualTo("tx_failed");
            assertThat(code(ann, room, node.land(FakeTx.tx().sol(bobWallet.address(), recipient, 5000), false))).isEqualTo("tx_wrong_signer");
            assertThat(code(ann, room, node.land(FakeTx.tx().sol(annWallet.address(), FakeTx.address(), 5000), false))).isEqualTo("tx_wrong_recipient");
            assertThat(code(ann, room, node.land(FakeTx.tx().token(annWallet.address(), recipient, mint, 5000), false))).isEqualTo("tx_wrong_asset");
            assertThat(code(ann, room, node.land(FakeTx.tx().sol(annWallet.address(), recipient, 999), false))).isEqualTo("tx_amount_too_low");
            assertThat(ann.error("chain:tx:submit", p("room", "nowhere", "signature", FakeTx.signature())).path("code").asText()).isEqualTo("not_found");
            assertThat(ann.error("chain:tx:submit", p("room", room, "signature", "not base58!")).path("code").asText()).isEqualTo("bad_request");

            // a good payment counts once; the retry and the pending one once it finalizes
            String paid = node.land(FakeTx.tx().sol(annWallet.address(), recipient, 5000), false);
            JsonNode ok = ann.ok("chain:tx:submit", p("room", room, "signature", paid));
            assertThat(ok.path("score").asLong()).isEqualTo(5000);
            assertThat(ok.path("rank").asLong()).isEqualTo(1);
            assertThat(code(ann, room, paid)).isEqualTo("tx_already_used");
            assertThat(code(bob, room, paid)).as("someone else replaying it").isEqualTo("tx_already_used");
            node.finalizeNow(pending.signature());
            JsonNode settled = ann.take(f -> f.path("type").asText().equals("chain:tx:result")).path("payload");
            assertThat(settled.path("status").asText()).as(settled.toString()).isEqualTo("counted");
            assertThat(settled.path("score").asLong()).isEqualTo(10_000);
            assertThat(code(ann, room, pending.signature())).isEqualTo("tx_already_used");

            // rankings:update reaches the room's members (batched)
            JsonNode update = cat.take(f -> f.path("type").asText().equals("rankings:update")
                    && f.at("/payload/top/0/score").asLong() == 10_000).path("payload");
            assertThat(update.path("room").asText()).isEqualTo(room);
            assertThat(update.at("/top/0/user").asText()).isEqualTo("ann");

            // concurrent submits of one signature, over the socket and HTTP: exactly one counts
            String twice = node.land(FakeTx.tx().sol(bobWallet.address(), recipient, 7000), false);
            List<CompletableFuture<JsonNode>> tries = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                tries.add(CompletableFuture.supplyAsync(() -> bob.request("chain:tx:submit", p("room", room, "signature", twice))));
                tries.add(CompletableFuture.supplyAsync(() -> {
                    try {
                        return json(call(hub, "POST", "/api/chain/rooms/" + room + "/payments", hub.token("bob"), p("signature", twice)));
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }));
            }
            int wins = 0, used = 0;
            for (CompletableFuture<JsonNode> t : tries) {
                JsonNode r = t.get(20, TimeUnit.SECONDS);
                String c = r.has("type") ? (r.path("type").asText().equals("reply") ? "ok" : r.at("/payload/code").asText())
                        : (r.has("error") ? r.at("/error/code").asText() : "ok");
                if (c.equals("ok")) wins++;
                else if (c.equals("tx_already_used")) used++;
            }
            assertThat(wins).isEqualTo(1);
            assertThat(used).isEqualTo(tries.size() - 1);

            // the leaderboard: top, me, around; over the socket and HTTP
            JsonNode board = cat.ok("chain:leaderboard", p("room", room, "around", 1));
            assertThat(board.path("total").asLong()).isEqualTo(2);
            assertThat(board.at("/top/0/user").asText()).isEqualTo("ann");
            assertThat(board.at("/top/1/user").asText()).isEqualTo("bob");
            assertThat(board.at("/top/1/score").asLong()).isEqualTo(7000);
            assertThat(board.path("me").isNull()).isTrue();
            JsonNode mine = json(call(hub, "GET", "/api/chain/rooms/" + room + "/leaderboard?around=1", hub.token("bob"), null));
            assertThat(mine.at("/me/rank").asLong()).isEqualTo(2);
            assertThat(mine.path("around")).hasSize(2);
        }

        // --- the listener delivers to the owners of linked wallets: TransactionUpdate and Notification
        try (NativeClient bob = hub.connect("bob")) {
            String sig = node.land(FakeTx.tx().sol(annWallet.address(), bobWallet.address(), 1234).program(program), true);
            JsonNode note = bob.take(f -> f.path("type").asText().equals("chain:message") && f.at("/payload/data/type").asText().equals("Notification"))
                    .at("/payload/data/data");
            assertThat(note.path("user_id").asText()).isEqualTo("bob");
            assertThat(note.path("message").asText()).startsWith("1234 lamports from " + annWallet.address());
            JsonNode upd = bob.take(f -> f.path("type").asText().equals("chain:message") && f.at("/payload/data/type").asText().equals("TransactionUpdate"))
                    .at("/payload/data/data");
            assertThat(upd.path("transaction_id").asText()).isEqualTo(sig);
        }
    }

    static String code(NativeClient c, String room, String signature) {
        return c.error("chain:tx:submit", p("room", room, "signature", signature)).path("code").asText();
    }
}
