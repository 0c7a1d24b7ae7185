package io.hubbub.chain;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.fakesolana.FakeSolana;
import io.hubbub.fakesolana.FakeTx;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.hubbub.chain.ChainTesting.awaitConnected;
import static io.hubbub.chain.ChainTesting.listening;
import static io.hubbub.chain.PaymentsTest.call;
import static io.hubbub.chain.PaymentsTest.link;
import static io.hubbub.server.testing.Frames.p;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Different payments submitted at the same moment (found by the {@code chain-submit} benchmark): on
 * SQLite each payment's transaction reads before it writes, and a transaction whose read snapshot went
 * stale when another payment committed failed with SQLITE_BUSY(_SNAPSHOT) → {@code internal}. Every one
 * of them must count, each once.
 */
class PaymentConcurrencyTest {
    @Test
    void concurrentDifferentPaymentsAllCountOnSqlite() throws Exception {
        try (FakeSolana node = new FakeSolana(); TestHubbub hub = TestHubbub.start(listening(node, FakeTx.address()))) {
            awaitConnected(hub);
            String room = "conc-" + System.nanoTime(), recipient = FakeTx.address();
            assertThat(call(hub, "PUT", "/api/chain/rooms/" + room + "/payment", hub.adminToken("root"),
                    p("recipient", recipient, "minAmount", 1, "scoreRule", "amount", "operator", "increment")).statusCode()).isEqualTo(200);
            int users = 4, each = 6;
            List<NativeClient> clients = new ArrayList<>();
            List<FakeTx.Wallet> wallets = new ArrayList<>();
            try {
                for (int u = 0; u < users; u++) {
                    wallets.add(link(hub, "u" + u));
                    NativeClient c = hub.connect("u" + u);
                    clients.add(c);
                    c.ok(u == 0 ? "room:create" : "room:join", u == 0 ? p("room", room, "name", "C") : p("room", room));
                }
                List<String> sigs = new ArrayList<>();
                for (int i = 0; i < users * each; i++) sigs.add(node.land(FakeTx.tx().sol(wallets.get(i % users).address(), recipient, 100), false));
                long[] ids = new long[sigs.size()];
                for (int i = 0; i < sigs.size(); i++) // all sent before any answer is read: the server runs them concurrently
                    ids[i] = clients.get(i % users).send("chain:tx:submit", p("room", room, "signature", sigs.get(i)));
                for (int i = 0; i < sigs.size(); i++) {
                    long id = ids[i];
                    JsonNode r = clients.get(i % users).take(f -> f.path("id").asLong(-1) == id
                            && (f.path("type").asText().equals("reply") || f.path("type").asText().equals("error")));
                    assertThat(r.path("type").asText()).as(r.toString()).isEqualTo("reply");
                    assertThat(r.at("/payload/status").asText()).isEqualTo("counted");
                }
                JsonNode board = clients.getFirst().ok("chain:leaderboard", p("room", room));
                assertThat(board.path("total").asLong()).isEqualTo(users);
                for (JsonNode e : board.path("top")) assertThat(e.path("score").asLong()).as(e.toString()).isEqualTo(100L * each);
            } finally {
                clients.forEach(NativeClient::close);
            }
        }
    }
}
