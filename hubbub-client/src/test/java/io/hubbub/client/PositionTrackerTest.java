package io.hubbub.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PositionTrackerTest {
    private final ObjectMapper mapper = new ObjectMapper();
    private final PositionTracker t = new PositionTracker();

    private JsonNode json(String s) {
        try {
            return mapper.readTree(s.replace('\'', '"'));
        } catch (Exception e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    private void message(String room, String epoch, long offset) {
        t.onPush("message:new", json("{'room':'" + room + "','epoch':'" + epoch + "','offset':" + offset
                + ",'ts':1,'from':{'id':'u1'},'data':{}}"));
    }

    private void join(String room, String epoch, long offset) {
        t.onReply("room:join", json("{'room':'" + room + "'}"),
                json("{'room':{'id':'" + room + "'},'position':{'epoch':'" + epoch + "','offset':" + offset + "}}"));
    }

    @Test
    void joinReplyStartsTrackingAndPushesAdvance() {
        join("lobby", "e1", 10);
        assertThat(t.roomPosition("lobby")).isEqualTo(new Position("e1", 10));
        message("lobby", "e1", 11);
        message("lobby", "e1", 12);
        assertThat(t.roomPosition("lobby")).isEqualTo(new Position("e1", 12));
        assertThat(t.roomPositions()).containsExactly(java.util.Map.entry("lobby", new Position("e1", 12)));
    }

    @Test
    void pushesForRoomsNotJoinedAreIgnored() {
        message("elsewhere", "e1", 5);
        assertThat(t.rooms()).isEmpty();
        assertThat(t.roomPosition("elsewhere")).isNull();
    }

    @Test
    void positionsNeverMoveBackWithinAnEpochButFollowANewEpoch() {
        join("lobby", "e1", 10);
        message("lobby", "e1", 9);
        assertThat(t.roomPosition("lobby").offset()).isEqualTo(10);
        message("lobby", "e2", 0);
        assertThat(t.roomPosition("lobby")).isEqualTo(new Position("e2", 0));
    }

    @Test
    void leaveAndCloseStopTracking() {
        join("a", "e", 1);
        join("b", "e", 1);
        t.onReply("room:leave", json("{'room':'a'}"), json("{}"));
        t.onPush("room:closed", json("{'room':'b','reason':'over'}"));
        assertThat(t.rooms()).isEmpty();
        message("a", "e", 2);
        assertThat(t.rooms()).as("a late push does not bring a left room back").isEmpty();
    }

    @Test
    void remembersTheRoomTokenOfAJoin() {
        t.onReply("room:join", json("{'room':'vip','token':'rt'}"), json("{'position':{'epoch':'e','offset':0}}"));
        assertThat(t.joinToken("vip")).isEqualTo("rt");
        t.onReply("room:join", json("{'room':'vip','since':{'epoch':'e','offset':0}}"), json("{'position':{'epoch':'e','offset':3}}"));
        assertThat(t.joinToken("vip")).as("a re-join without token keeps it").isEqualTo("rt");
        assertThat(t.roomPosition("vip").offset()).isEqualTo(3);
    }

    @Test
    void joinWithoutPositionIsTrackedButNotListedWithPositions() {
        t.onReply("room:join", json("{'room':'quiet'}"), json("{'room':{'id':'quiet'}}"));
        assertThat(t.rooms()).containsExactly("quiet");
        assertThat(t.roomPositions()).isEmpty();
        message("quiet", "e", 1);
        assertThat(t.roomPosition("quiet")).isEqualTo(new Position("e", 1));
    }

    @Test
    void createdRoomsAreTrackedInEitherReplyShape() {
        t.onReply("room:create", json("{'name':'A'}"), json("{'id':'gen-1','name':'A','position':{'epoch':'e','offset':0}}"));
        t.onReply("room:create", json("{'name':'B'}"), json("{'room':{'id':'gen-2'},'position':{'epoch':'f','offset':0}}"));
        assertThat(t.rooms()).containsExactly("gen-1", "gen-2");
        assertThat(t.roomPosition("gen-2")).isEqualTo(new Position("f", 0));
    }

    @Test
    void topicsTrackSubscribeMessagesAndUnsubscribe() {
        t.onReply("topic:subscribe", json("{'topic':'prices'}"), json("{'position':{'epoch':'t','offset':4}}"));
        t.onPush("topic:message", json("{'topic':'prices','epoch':'t','offset':5,'ts':1,'event':'tick','data':1}"));
        t.onPush("topic:message", json("{'topic':'other','epoch':'t','offset':9}"));
        assertThat(t.topics()).containsExactly("prices");
        assertThat(t.topicPosition("prices")).isEqualTo(new Position("t", 5));
        t.onReply("topic:unsubscribe", json("{'topic':'prices'}"), json("{}"));
        assertThat(t.topics()).isEmpty();
    }

    @Test
    void resumeReplyUpdatesPositionsAndAddsServerRooms() {
        join("lobby", "e1", 41);
        t.onReply("session:resume", json("{'token':'x'}"), json(
                "{'resumed':true,'rooms':{'lobby':{'recovered':true,'position':{'epoch':'e1','offset':45}},"
                        + "'extra':{'recovered':false,'position':{'epoch':'z','offset':1}}},'topics':['prices']}"));
        assertThat(t.roomPosition("lobby")).isEqualTo(new Position("e1", 45));
        assertThat(t.rooms()).containsExactly("lobby", "extra");
        assertThat(t.topics()).containsExactly("prices");
    }

    @Test
    void failedResumeChangesNothing() {
        join("lobby", "e1", 41);
        t.onReply("session:resume", json("{'token':'x'}"), json("{'resumed':false}"));
        assertThat(t.rooms()).containsExactly("lobby");
        assertThat(t.roomPosition("lobby")).isEqualTo(new Position("e1", 41));
    }

    @Test
    void otherTrafficIsIgnored() {
        join("lobby", "e1", 1);
        t.onPush("presence:join", json("{'room':'lobby','user':{'id':'u2'}}"));
        t.onReply("message:send", json("{'room':'lobby','data':1}"), json("{'offset':2,'epoch':'e1','ts':5}"));
        assertThat(t.roomPosition("lobby").offset())
                .as("our own publish is recorded by its message:new echo, not by the send reply").isEqualTo(1);
    }
}
