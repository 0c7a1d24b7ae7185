package io.hubbub.chain;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.fakesolana.FakeSolana;
import io.hubbub.fakesolana.FakeTx;
import io.hubbub.chain.rank.BoardIndex;
import io.hubbub.core.engine.SortedSets;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.hubbub.chain.ChainTesting.awaitConnected;
import static io.hubbub.chain.ChainTesting.listening;
import static io.hubbub.chain.PaymentsTest.call;
import static io.hubbub.chain.PaymentsTest.link;
import static io.hubbub.server.testing.Frames.p;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Leaderboards are ranked in the engine's sorted sets (seed 000's rankings:roomId): payments move
 * members there, ties go to who reached the score first, reads (top, me, around) come from the engine,
 * and a node whose engine lost them (memory engine after a restart) rebuilds them from the database.
 */
class LeaderboardEngineTest {

    static List<String> users(JsonNode list) {
        return java.util.stream.StreamSupport.stream(list.spliterator(), false).map(e -> e.path("user").asText()).toList();
    }

    static SortedSets sets(TestHubbub hub) {
        return hub.server().features().service(SortedSets.class).orElseThrow();
    }

    @Test
    void rankingsLiveInTheEngineAndAreRebuiltFromTheDatabase() throws Exception {
        Path dir = Files.createTempDirectory("chain-board");
        String room = "board-" + System.nanoTime(), recipient = FakeTx.address(), set = "chain:board:" + room + ":all";
        try (FakeSolana node = new FakeSolana()) {
            String program = FakeTx.address();
            Map<String, String> o = listening(node, program);
            try (TestHubbub hub = TestHubbub.start(dir, o)) {
                awaitConnected(hub);
                assertThat(call(hub, "PUT", "/api/chain/rooms/" + room + "/payment", hub.adminToken("root"),
                        p("recipient", recipient, "minAmount", 1, "scoreRule", "fixed", "points", 10)).statusCode()).isEqualTo(200);
                FakeTx.Wallet zed = link(hub, "zed"), amy = link(hub, "amy"), bob = link(hub, "bob");
                try (NativeClient z = hub.connect("zed"); NativeClient a = hub.connect("amy"); NativeClient b = hub.connect("bob")) {
                    z.ok("room:create", p("room", room, "name", "Board"));
                    a.ok("room:join", p("room", room));
                    b.ok("room:join", p("room", room));
                    pay(z, node, room, zed, recipient);
                    pay(a, node, room, amy, recipient); // the same score, reached later: after zed
                    pay(b, node, room, bob, recipient);
                    assertThat(pay(b, node, room, bob, recipient).path("rank").asLong()).isEqualTo(1);

                    // the engine's sorted set holds the board, in rank order
                    List<SortedSets.Member> live = sets(hub).range(set, 0, 10).get();
                    assertThat(live).extracting(m -> m.member().substring(20)).containsExactly("bob", "zed", "amy");
                    assertThat(live).extracting(SortedSets.Member::score).containsExactly(20.0, 10.0, 10.0);

                    // reads come from the engine: a member put there directly shows up
                    sets(hub).put(set, BoardIndex.member("ghost", 1), 1000, null).get();
                    JsonNode board = a.ok("chain:leaderboard", p("room", room, "around", 1));
                    assertThat(users(board.path("top"))).containsExactly("ghost", "bob", "zed", "amy");
                    assertThat(board.path("total").asLong()).isEqualTo(4);
                    assertThat(board.at("/me/rank").asLong()).isEqualTo(4);
                    assertThat(users(board.path("around"))).containsExactly("zed", "amy");
                    sets(hub).remove(set, BoardIndex.member("ghost", 1)).get();
                }
            }
            // a restart on the memory engine: the ranking is rebuilt from the database
            try (TestHubbub hub = TestHubbub.start(dir, o); NativeClient a = hub.connect("amy")) {
                for (int i = 0; i < 200 && sets(hub).size(set).get() < 3; i++) Thread.sleep(50);
                assertThat(sets(hub).range(set, 0, 10).get()).extracting(m -> m.member().substring(20)).containsExactly("bob", "zed", "amy");
                JsonNode board = a.ok("chain:leaderboard", p("room", room, "around", 1));
                assertThat(users(board.path("top"))).containsExactly("bob", "zed", "amy");
                assertThat(board.at("/me/rank").asLong()).isEqualTo(3);
                assertThat(board.at("/me/score").asLong()).isEqualTo(10);
            }
        }
    }

    static JsonNode pay(NativeClient c, FakeSolana node, String room, FakeTx.Wallet w, String recipient) {
        String sig = node.land(FakeTx.tx().sol(w.address(), recipient, 100), false);
        return c.ok("chain:tx:submit", p("room", room, "signature", sig));
    }
}
