package io.hubbub.chain;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.fakesolana.FakeSolana;
import io.hubbub.fakesolana.FakeTx;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static io.hubbub.chain.ChainTesting.awaitConnected;
import static io.hubbub.chain.ChainTesting.get;
import static io.hubbub.chain.ChainTesting.listening;
import static io.hubbub.chain.PaymentsTest.call;
import static io.hubbub.chain.PaymentsTest.code;
import static io.hubbub.chain.PaymentsTest.json;
import static io.hubbub.chain.PaymentsTest.link;
import static io.hubbub.server.testing.Frames.p;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A submitted payment the node knows but has not finalized is awaited with signatureSubscribe instead
 * of being refused: counted and pushed when the notification comes (after the subscription survived a
 * dropped socket), never on the notification alone (getTransaction decides), the wait set bounded,
 * and expired after paymentWait.
 */
class PaymentWaitTest {

    static void await(String what, BooleanSupplier cond) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            if (cond.getAsBoolean()) return;
            Thread.sleep(50);
        }
        throw new AssertionError("never: " + what);
    }

    static JsonNode result(NativeClient c, String signature) {
        return c.take(f -> f.path("type").asText().equals("chain:tx:result") && f.at("/payload/signature").asText().equals(signature), 20_000)
                .path("payload");
    }

    @Test
    void aPendingSubmitIsSettledByTheSignatureNotification() throws Exception {
        try (FakeSolana node = new FakeSolana()) {
            String program = FakeTx.address();
            Map<String, String> o = new HashMap<>(listening(node, program));
            o.put("features.chain.paymentWait", "8s");
            o.put("features.chain.maxPaymentWaits", "2");
            try (TestHubbub hub = TestHubbub.start(o); NativeClient ann = hub.connect("ann")) {
                awaitConnected(hub);
                FakeTx.Wallet wallet = link(hub, "ann");
                String room = "wait-" + System.nanoTime(), recipient = FakeTx.address();
                assertThat(call(hub, "PUT", "/api/chain/rooms/" + room + "/payment", hub.adminToken("root"),
                        p("recipient", recipient, "minAmount", 1000, "scoreRule", "amount")).statusCode()).isEqualTo(200);
                ann.ok("room:create", p("room", room, "name", "Wait"));

                // confirmed, not finalized: the submit is awaited, not refused
                FakeTx.Builder a = FakeTx.tx().sol(wallet.address(), recipient, 5000);
                node.land(a, false);
                node.hideAtFinalized(a.signature());
                JsonNode pending = ann.ok("chain:tx:submit", p("room", room, "signature", a.signature()));
                assertThat(pending.path("status").asText()).isEqualTo("pending");
                assertThat(pending.path("expiresAt").asLong()).isPositive();
                await("subscribed", () -> node.subscriptions("signature") == 1);

                // the node drops every socket: the wait subscribes again
                node.dropConnections();
                await("resubscribed after the drop", () -> node.subscriptions("signature") == 1);

                // a notification alone counts nothing: getTransaction at finalized still has nothing
                int fetches = node.calls("getTransaction");
                node.notifySignatureAnyway(a.signature());
                await("checked with getTransaction", () -> node.calls("getTransaction") > fetches);
                await("subscribed again", () -> node.subscriptions("signature") == 1);
                assertThat(ann.pending()).noneMatch(f -> f.path("type").asText().equals("chain:tx:result"));
                assertThat(json(call(hub, "GET", "/api/chain/rooms/" + room + "/leaderboard", hub.token("ann"), null)).path("total").asLong())
                        .isZero();

                // finalized: the notification settles it, counted once and pushed
                node.finalizeNow(a.signature());
                JsonNode counted = result(ann, a.signature());
                assertThat(counted.path("status").asText()).as(counted.toString()).isEqualTo("counted");
                assertThat(counted.path("score").asLong()).isEqualTo(5000);
                assertThat(counted.path("rank").asLong()).isEqualTo(1);
                assertThat(code(ann, room, a.signature())).isEqualTo("tx_already_used");
                await("the wait ended", () -> waits(hub) == 0);

                // bounded: two waits at most; a resubmit of an awaited one is the same wait
                FakeTx.Builder b = FakeTx.tx().sol(wallet.address(), recipient, 2000), c = FakeTx.tx().sol(wallet.address(), recipient, 3000),
                        d = FakeTx.tx().sol(wallet.address(), recipient, 4000);
                for (FakeTx.Builder x : new FakeTx.Builder[] {b, c, d}) {
                    node.land(x, false);
                    node.hideAtFinalized(x.signature());
                }
                long expiresB = ann.ok("chain:tx:submit", p("room", room, "signature", b.signature())).path("expiresAt").asLong();
                assertThat(ann.ok("chain:tx:submit", p("room", room, "signature", c.signature())).path("status").asText()).isEqualTo("pending");
                assertThat(code(ann, room, d.signature())).as("the wait set is full").isEqualTo("tx_not_confirmed");
                assertThat(ann.ok("chain:tx:submit", p("room", room, "signature", b.signature())).path("expiresAt").asLong()).isEqualTo(expiresB);

                // never finalized within paymentWait: expired, nothing counted
                for (FakeTx.Builder x : new FakeTx.Builder[] {b, c}) {
                    JsonNode expired = result(ann, x.signature());
                    assertThat(expired.path("status").asText()).as(expired.toString()).isEqualTo("expired");
                    assertThat(expired.path("code").asText()).isEqualTo("tx_not_confirmed");
                }
                await("no waits left", () -> waits(hub) == 0);
                await("expired waits are unsubscribed", () -> node.subscriptions("signature") == 0);
                assertThat(json(call(hub, "GET", "/api/chain/rooms/" + room + "/leaderboard", hub.token("ann"), null)).at("/top/0/score").asLong())
                        .isEqualTo(5000);
            }
        }
    }

    static int waits(TestHubbub hub) {
        try {
            return get(hub, "/api/chain/status").path("paymentWaits").asInt(-1);
        } catch (Exception e) {
            throw new RuntimeException(e);
        }
    }
}
