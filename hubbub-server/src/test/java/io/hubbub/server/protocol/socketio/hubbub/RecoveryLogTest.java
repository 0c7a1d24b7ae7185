package io.hubbub.server.protocol.socketio.hubbub;

import io.hubbub.core.protocol.Json;
import io.hubbub.core.protocol.Outbound;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** What a Socket.IO session was sent, and the positions it had as of the last event it received. */
class RecoveryLogTest {
    private static RecoveryOffset r(String room, long offset) {
        return new RecoveryOffset(RecoveryOffset.room(room), "e1", offset);
    }

    private static RecoveryLog.Position p(long offset) {
        return new RecoveryLog.Position("e1", offset);
    }

    @Test
    void positionsOfEveryChannelAsOfTheLastReceivedEvent() {
        RecoveryLog log = new RecoveryLog();
        log.seed("r|a", "e1", 10);
        log.seed("r|b", "e1", 3);
        log.event(r("a", 11));
        log.event(r("a", 12));
        log.event(r("b", 4));
        log.event(r("a", 13));
        log.event(r("b", 5));
        // received up to a:12 -> b is still at its seed
        assertThat(log.positionsAt(r("a", 12))).isEqualTo(Map.of("r|a", p(12), "r|b", p(3)));
        assertThat(log.positionsAt(r("b", 4))).isEqualTo(Map.of("r|a", p(12), "r|b", p(4)));
        assertThat(log.positionsAt(r("b", 5))).isEqualTo(Map.of("r|a", p(13), "r|b", p(5)));
        // nothing received yet: the seeds
        assertThat(log.positionsAt(null)).isEqualTo(Map.of("r|a", p(10), "r|b", p(3)));
        // an event that was never sent cannot be placed
        assertThat(log.positionsAt(r("a", 99))).isNull();
        assertThat(log.positionsAt(new RecoveryOffset("r|a", "other-epoch", 12))).isNull();
    }

    @Test
    void aSeedNeverMovesAChannelBackBehindSentEvents() {
        RecoveryLog log = new RecoveryLog();
        log.event(r("a", 5));
        log.event(r("a", 6));
        log.seed("r|a", "e1", 4); // a join reply trailing live events
        log.event(r("b", 1));
        assertThat(log.positionsAt(r("b", 1))).containsEntry("r|a", p(6));
    }

    @Test
    void boundedRunsFoldIntoTheBase() {
        RecoveryLog log = new RecoveryLog();
        for (int i = 0; i < RecoveryLog.MAX_RUNS + 10; i++) {
            log.event(r(i % 2 == 0 ? "a" : "b", i)); // alternating rooms: one run per event
        }
        long last = RecoveryLog.MAX_RUNS + 9;
        assertThat(log.positionsAt(r("b", last))).containsEntry("r|b", p(last)).containsEntry("r|a", p(last - 1));
        assertThat(log.positionsAt(r("a", 0))).as("folded away").isNull();
        assertThat(log.positionsAt(null)).as("events were folded: where the client stands is unknown").isNull();
    }

    @Test
    void offsetsNameRecordedRoomAndTopicPublicationsOnly() {
        var room = Json.object().put("room", "lobby").put("offset", 7).put("epoch", "ep");
        assertThat(RecoveryOffset.of(new Outbound.Push("message:new", room)).wire()).isEqualTo("r|lobby|ep|7");
        var topic = Json.object().put("topic", "px").put("offset", 2).put("epoch", "ep");
        assertThat(RecoveryOffset.of(new Outbound.Push("topic:message", topic)).wire()).isEqualTo("t|px|ep|2");
        assertThat(RecoveryOffset.of(new Outbound.Push("presence:join", Json.object().put("room", "lobby")))).isNull();
        assertThat(RecoveryOffset.of(new Outbound.Push("message:new", Json.object().put("room", "x").put("offset", 1).put("epoch", "")))).isNull();
        assertThat(RecoveryOffset.parse("r|lobby|ep|7")).isEqualTo(new RecoveryOffset("r|lobby", "ep", 7));
        assertThat(RecoveryOffset.parse("t|px|e|p|2")).isEqualTo(new RecoveryOffset("t|px", "e|p", 2));
        for (String bad : new String[] {"offset-7", "r|lobby|ep|x", "x|lobby|ep|1", "r||ep|1", "r|lobby||1", "r|lobby|ep|-1"}) {
            assertThat(RecoveryOffset.parse(bad)).as(bad).isNull();
        }
    }
}
