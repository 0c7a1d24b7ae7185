package io.hubbub.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class RecoveryTest {
    private final ObjectMapper mapper = new ObjectMapper();

    private JsonNode json(String s) throws Exception {
        return mapper.readTree(s.replace('\'', '"'));
    }

    /** As the server will read it (numbers re-parsed from the wire text). */
    private JsonNode wire(JsonNode built) throws Exception {
        return mapper.readTree(mapper.writeValueAsString(built));
    }

    @Test
    void resumeRequestCarriesTokenAndPositions() throws Exception {
        Map<String, Position> positions = new LinkedHashMap<>();
        positions.put("lobby", new Position("e1f", 41));
        positions.put("b", new Position("x", 0));
        assertThat(wire(Recovery.resumeRequest("tok", positions))).isEqualTo(json(
                "{'token':'tok','rooms':{'lobby':{'epoch':'e1f','offset':41},'b':{'epoch':'x','offset':0}}}"));
    }

    @Test
    void joinRequestHasOnlyWhatIsKnown() throws Exception {
        assertThat(wire(Recovery.joinRequest("r", null, null))).isEqualTo(json("{'room':'r'}"));
        assertThat(wire(Recovery.joinRequest("r", new Position("e", 3), "rt")))
                .isEqualTo(json("{'room':'r','since':{'epoch':'e','offset':3},'token':'rt'}"));
        assertThat(wire(Recovery.subscribeRequest("t", new Position("e", 1))))
                .isEqualTo(json("{'topic':'t','since':{'epoch':'e','offset':1}}"));
    }

    @Test
    void notResumedMeansRejoinEverything() throws Exception {
        Recovery.Plan plan = Recovery.plan(List.of("a", "b"), List.of("t"), json("{'resumed':false}"));
        assertThat(plan.resumed()).isEmpty();
        assertThat(plan.rejoin()).containsExactly("a", "b");
        assertThat(plan.resubscribe()).containsExactly("t");
        assertThat(Recovery.plan(List.of("a"), List.of(), null).rejoin()).containsExactly("a");
    }

    @Test
    void resumedReportsPerRoomAndRejoinsOnlyWhatTheServerMissed() throws Exception {
        Recovery.Plan plan = Recovery.plan(List.of("a", "b", "c"), List.of("t1", "t2"), json(
                "{'resumed':true,'rooms':{'a':{'recovered':true,'position':{'epoch':'e','offset':5}},"
                        + "'b':{'recovered':false}},'topics':['t1']}"));
        assertThat(plan.resumed()).containsExactly(Map.entry("a", true), Map.entry("b", false));
        assertThat(plan.rejoin()).containsExactly("c");
        assertThat(plan.resubscribe()).containsExactly("t2");
    }
}
