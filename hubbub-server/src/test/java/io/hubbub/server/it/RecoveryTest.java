package io.hubbub.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.core.protocol.Json;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.LongStream;

import static io.hubbub.server.testing.Frames.offsets;
import static io.hubbub.server.testing.Frames.p;
import static io.hubbub.server.testing.Frames.room;
import static io.hubbub.server.testing.Frames.type;
import static io.hubbub.server.testing.Frames.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * History and recovery end to end: a client drops, others keep publishing, and on reconnect it gets
 * exactly what it missed, in order, before the reply and before live messages — or
 * {@code recovered:false} and nothing at all. Session resume brings rooms and topics back.
 */
class RecoveryTest {
    static TestHubbub hub;

    @BeforeAll
    static void start() {
        hub = TestHubbub.start(Map.of("limits.connectsPerIpPerSecond", "1000", "recovery.resumeWindow", "30s",
                "limits.framesPerSecond", "10000", "limits.frameBurst", "10000"));
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    /** Publishes n messages from {@code c} and returns the last offset. */
    static long publish(NativeClient c, String room, int n, String prefix) {
        long last = 0;
        for (int i = 0; i < n; i++) last = c.ok("message:send", p("room", room, "data", prefix + i)).path("offset").asLong();
        return last;
    }

    /** Waits until the server has processed the drop of {@code user}'s connection (others see it leave). */
    static void awaitLeft(NativeClient watcher, String room, String user) {
        watcher.take(f -> type(f).equals("presence:leave") && f.path("payload").path("room").asText().equals(room)
                && f.path("payload").path("user").path("id").asText().equals(user));
    }

    static JsonNode position(String epoch, long offset) {
        return p("epoch", epoch, "offset", offset);
    }

    @Test
    void aReconnectingClientGetsExactlyTheMissedMessagesInOrderThenTheReplyThenLiveOnes() {
        String r = room("rec");
        try (NativeClient pub = hub.connect("rec-pub")) {
            pub.ok("room:create", p("room", r, "name", "Recovery"));
            NativeClient a = hub.connect("rec-a");
            a.ok("room:join", p("room", r));
            publish(pub, r, 3, "before");
            String epoch = null;
            long seen = 0;
            for (int i = 0; i < 3; i++) {
                JsonNode m = a.event("message:new");
                epoch = m.path("epoch").asText();
                seen = m.path("offset").asLong();
            }
            assertThat(seen).isEqualTo(3);
            a.abort();
            awaitLeft(pub, r, "rec-a");
            long top = publish(pub, r, 5, "missed");
            assertThat(top).isEqualTo(8);

            try (NativeClient back = hub.connect("rec-a")) {
                back.event("session:welcome");
                long id = back.send("room:join", p("room", r, "since", position(epoch, seen)));
                List<JsonNode> frames = until(back, id);
                JsonNode reply = frames.getLast();
                assertThat(type(reply)).isEqualTo("reply");
                assertThat(reply.path("payload").path("recovered").asBoolean()).isTrue();
                assertThat(reply.path("payload").path("position").path("offset").asLong()).isEqualTo(8);
                assertThat(offsets(frames, r)).as("missed messages, in order, none twice, before the reply").containsExactly(4L, 5L, 6L, 7L, 8L);
                assertThat(frames.stream().filter(f -> type(f).equals("message:new")).map(f -> f.path("payload").path("data").asText()))
                        .containsExactly("missed0", "missed1", "missed2", "missed3", "missed4");

                publish(pub, r, 2, "live");
                assertThat(back.event("message:new").path("offset").asLong()).isEqualTo(9);
                assertThat(back.event("message:new").path("offset").asLong()).isEqualTo(10);
                assertThat(back.sees(f -> type(f).equals("message:new"), 200)).as("nothing duplicated").isFalse();
            }
        }
    }

    @Test
    void messagesPublishedWhileTheRecoveryIsUnderWayAreNeitherLostNorDuplicated() throws Exception {
        String r = room("race");
        try (NativeClient pub = hub.connect("race-pub")) {
            pub.ok("room:create", p("room", r, "name", "Race", "historySize", 1000));
            JsonNode first = pub.ok("message:send", p("room", r, "data", "m0"));
            String epoch = first.path("epoch").asText();
            Thread publisher = Thread.ofVirtual().start(() -> {
                for (int i = 1; i < 200; i++) pub.send("message:send", p("room", r, "data", "m" + i));
            });
            try (NativeClient c = hub.connect("race-sub")) {
                c.event("session:welcome");
                Thread.sleep(5);
                long id = c.send("room:join", p("room", r, "since", position(epoch, 1)));
                List<JsonNode> frames = until(c, id);
                assertThat(frames.getLast().path("payload").path("recovered").asBoolean()).isTrue();
                publisher.join();
                List<Long> got = new java.util.ArrayList<>(offsets(frames, r));
                while (got.isEmpty() || got.getLast() < 200) got.add(c.event("message:new").path("offset").asLong());
                assertThat(got).containsExactlyElementsOf(LongStream.rangeClosed(2, 200).boxed().toList());
            }
        }
    }

    @Test
    void withHistoryExhaustedTheReplySaysNotRecoveredAndReplaysNothing() {
        String r = room("short");
        try (NativeClient pub = hub.connect("short-pub")) {
            JsonNode created = pub.ok("room:create", p("room", r, "name", "Short", "historySize", 3));
            String epoch = created.path("position").path("epoch").asText();
            publish(pub, r, 2, "old");
            publish(pub, r, 6, "new"); // offsets 3..8; history keeps 6..8
            try (NativeClient c = hub.connect("short-sub")) {
                c.event("session:welcome");
                long id = c.send("room:join", p("room", r, "since", position(epoch, 2)));
                List<JsonNode> frames = until(c, id);
                JsonNode reply = frames.getLast().path("payload");
                assertThat(reply.path("recovered").asBoolean(true)).isFalse();
                assertThat(reply.path("position").path("offset").asLong()).isEqualTo(8);
                assertThat(offsets(frames, r)).as("never a partial replay").isEmpty();
                pub.ok("message:send", p("room", r, "data", "live"));
                assertThat(c.event("message:new").path("offset").asLong()).isEqualTo(9);

                // a position inside the kept history still recovers
                try (NativeClient d = hub.connect("short-sub2")) {
                    d.event("session:welcome");
                    long id2 = d.send("room:join", p("room", r, "since", position(epoch, 6)));
                    List<JsonNode> f2 = until(d, id2);
                    assertThat(f2.getLast().path("payload").path("recovered").asBoolean()).isTrue();
                    assertThat(offsets(f2, r)).containsExactly(7L, 8L, 9L);
                }
            }
        }
    }

    @Test
    void aPositionFromAnotherEpochIsNotRecovered() {
        String r = room("epoch");
        try (NativeClient pub = hub.connect("epoch-pub"); NativeClient c = hub.connect("epoch-sub")) {
            pub.ok("room:create", p("room", r, "name", "Epoch"));
            publish(pub, r, 3, "m");
            c.event("session:welcome");
            long id = c.send("room:join", p("room", r, "since", position("not-this-epoch", 1)));
            List<JsonNode> frames = until(c, id);
            assertThat(frames.getLast().path("payload").path("recovered").asBoolean(true)).isFalse();
            assertThat(offsets(frames, r)).isEmpty();
        }
    }

    @Test
    void sessionResumeBringsRoomsAndTopicsBackWithPerRoomRecovery() {
        String r1 = room("res1");
        String r2 = room("res2");
        try (NativeClient pub = hub.connect("res-pub")) {
            pub.ok("room:create", p("room", r1, "name", "R1"));
            pub.ok("room:create", p("room", r2, "name", "R2"));
            NativeClient a = hub.connect("res-a");
            String token = a.event("session:welcome").path("resumeToken").asText();
            JsonNode j1 = a.ok("room:join", p("room", r1));
            a.ok("room:join", p("room", r2));
            a.ok("topic:subscribe", p("topic", "res.prices"));
            String epoch = j1.path("position").path("epoch").asText();
            publish(pub, r1, 2, "seen");
            a.event("message:new");
            long seen = a.event("message:new").path("offset").asLong();
            a.abort();
            awaitLeft(pub, r1, "res-a");
            publish(pub, r1, 3, "missed");

            try (NativeClient back = hub.connect("res-a")) {
                back.event("session:welcome");
                long id = back.send("session:resume", p("token", token, "rooms", Map.of(r1, position(epoch, seen))));
                List<JsonNode> frames = until(back, id);
                JsonNode reply = frames.getLast().path("payload");
                assertThat(reply.path("resumed").asBoolean()).isTrue();
                assertThat(reply.path("rooms").path(r1).path("recovered").asBoolean()).isTrue();
                assertThat(reply.path("rooms").path(r1).path("position").path("offset").asLong()).isEqualTo(5);
                assertThat(reply.path("rooms").path(r2).path("recovered").asBoolean(true)).as("no position given").isFalse();
                assertThat(reply.path("topics")).extracting(JsonNode::asText).containsExactly("res.prices");
                assertThat(offsets(frames, r1)).containsExactly(3L, 4L, 5L);

                // back in both rooms and the topic, live
                pub.ok("message:send", p("room", r2, "data", "in-r2"));
                assertThat(back.event("message:new").path("room").asText()).isEqualTo(r2);
                hub.server().node().messaging().publishToTopic("res.prices", "tick", p("p", 1)).join();
                assertThat(back.event("topic:message").path("data").path("p").asInt()).isEqualTo(1);
                assertThat(back.ok("room:members", p("room", r1)).path("members")).extracting(m -> m.path("id").asText()).contains("res-a");

                // the token is used up
                try (NativeClient again = hub.connect("res-a")) {
                    again.event("session:welcome");
                    assertThat(again.ok("session:resume", p("token", token)).path("resumed").asBoolean()).isFalse();
                }
            }
        }
    }

    @Test
    void aResumeTokenDoesNotWorkForAnotherUserNorAfterTheWindowNorForged() throws Exception {
        String r = room("steal");
        try (NativeClient pub = hub.connect("steal-pub")) {
            pub.ok("room:create", p("room", r, "name", "Steal"));
            NativeClient a = hub.connect("steal-a");
            String token = a.event("session:welcome").path("resumeToken").asText();
            a.ok("room:join", p("room", r));
            a.abort();
            awaitLeft(pub, r, "steal-a");
            try (NativeClient thief = hub.connect("steal-b")) {
                thief.event("session:welcome");
                assertThat(thief.ok("session:resume", p("token", token)).path("resumed").asBoolean()).isFalse();
                assertThat(thief.ok("session:resume", p("token", token.substring(0, token.length() - 2) + "xx")).path("resumed").asBoolean()).isFalse();
                assertThat(thief.error("room:members", p("room", r)).path("code").asText()).as("not joined").isEqualTo("not_found");
            }
            try (NativeClient owner = hub.connect("steal-a")) {
                owner.event("session:welcome");
                JsonNode res = owner.ok("session:resume", p("token", token));
                assertThat(res.path("resumed").asBoolean())
                        .as("another user's attempt does not use up the owner's session: " + res).isTrue();
            }
        }
        try (TestHubbub shortWindow = TestHubbub.start(Map.of("recovery.resumeWindow", "300ms"))) {
            NativeClient a = shortWindow.connect("win-a");
            String token = a.event("session:welcome").path("resumeToken").asText();
            a.close();
            Thread.sleep(800);
            try (NativeClient back = shortWindow.connect("win-a")) {
                back.event("session:welcome");
                assertThat(back.ok("session:resume", p("token", token)).path("resumed").asBoolean()).isFalse();
            }
        }
    }

    @Test
    void topicsRecoverFromAPositionToo() {
        try (NativeClient c = hub.connect("topic-rec")) {
            JsonNode sub = c.ok("topic:subscribe", p("topic", "rec.feed"));
            var messaging = hub.server().node().messaging();
            messaging.publishToTopic("rec.feed", "e", Json.object().put("n", 1)).join();
            JsonNode m = c.event("topic:message");
            String epoch = m.path("epoch").asText();
            assertThat(sub.path("position").path("epoch").asText()).isEqualTo(epoch);
            c.ok("topic:unsubscribe", p("topic", "rec.feed"));
            messaging.publishToTopic("rec.feed", "e", Json.object().put("n", 2)).join();
            messaging.publishToTopic("rec.feed", "e", Json.object().put("n", 3)).join();
            long id = c.send("topic:subscribe", p("topic", "rec.feed", "since", position(epoch, 1)));
            List<JsonNode> frames = until(c, id);
            assertThat(frames.getLast().path("payload").path("recovered").asBoolean()).isTrue();
            assertThat(frames.stream().filter(f -> type(f).equals("topic:message")).map(f -> f.path("payload").path("data").path("n").asInt()))
                    .containsExactly(2, 3);
        }
    }
}
