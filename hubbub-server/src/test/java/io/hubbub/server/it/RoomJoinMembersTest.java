package io.hubbub.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.core.session.Session;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.Test;

import static io.hubbub.server.testing.Frames.p;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code RoomService.join(…, withMembers)}: server code that keeps its own view of who is there (the
 * spaces feature, a session resume) joins without the O(members) list in the reply; the join itself is
 * the same (member, presence, live messages).
 */
class RoomJoinMembersTest {

    @Test
    void aJoinWithoutMembersIsAFullJoinWithoutTheList() {
        try (TestHubbub hub = TestHubbub.start();
             NativeClient ann = hub.connect("ann"); NativeClient bob = hub.connect("bob"); NativeClient cat = hub.connect("cat")) {
            ann.ok("room:create", p("room", "lobby", "name", "Lobby"));
            JsonNode quiet = hub.server().node().rooms().join(session(hub, "bob"), "lobby", null, null, null, false).join();
            assertThat(quiet.has("members")).as(quiet.toString()).isFalse();
            assertThat(quiet.at("/room/id").asText()).isEqualTo("lobby");

            JsonNode full = hub.server().node().rooms().join(session(hub, "cat"), "lobby", null, null, null, true).join();
            assertThat(full.path("members")).extracting(m -> m.path("id").asText()).containsExactlyInAnyOrder("ann", "bob", "cat");

            // bob is a member like any other: he gets the room's messages and counts in presence
            ann.ok("message:send", p("room", "lobby", "data", p("text", "hi")));
            assertThat(bob.event("message:new").at("/data/text").asText()).isEqualTo("hi");
            JsonNode q = ann.ok("room:get", p("room", "lobby"));
            assertThat(q.path("members").asInt()).isEqualTo(3);
        }
    }

    private static Session session(TestHubbub hub, String user) {
        for (Session s : hub.server().node().sessions()) if (s.userId().equals(user)) return s;
        throw new AssertionError("no connection of " + user);
    }
}
