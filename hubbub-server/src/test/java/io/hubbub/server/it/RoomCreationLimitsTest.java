package io.hubbub.server.it;

import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.hubbub.server.testing.Frames.p;
import static io.hubbub.server.testing.Frames.room;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Per-user caps on room creation (item 10 of the security review): a rate per user per minute
 * ({@code rate_limited}) and a count of open persistent rooms per user ({@code limit_exceeded}),
 * counted in the database across connections; admins and API keys are exempt; refusals are counted
 * in {@code hubbub_limit_hits_total}.
 */
class RoomCreationLimitsTest {

    @Test
    void roomCreationIsCappedPerUserNotPerConnection() {
        try (TestHubbub hub = TestHubbub.start(Map.of("limits.roomCreatesPerUserPerMinute", "3",
                "limits.persistentRoomsPerUser", "100", "limits.connectsPerIpPerSecond", "1000"))) {
            try (NativeClient a = hub.connect("rc-user"); NativeClient b = hub.connect("rc-user")) {
                a.ok("room:create", p("name", "one"));
                a.ok("room:create", p("name", "two"));
                b.ok("room:create", p("name", "three"));
                // the fourth in the minute, from either connection of the same user
                assertThat(b.error("room:create", p("name", "four")).path("code").asText()).isEqualTo("rate_limited");
                assertThat(a.error("room:create", p("name", "four")).path("code").asText()).isEqualTo("rate_limited");
            }
            try (NativeClient other = hub.connect("rc-other"); NativeClient admin = NativeClient.connect(hub.wsUrl() + "?token=" + hub.adminToken("rc-admin"));
                 NativeClient service = NativeClient.connect(hub.wsUrl() + "?token=" + TestHubbub.API_KEY)) {
                other.ok("room:create", p("name", "someone else is not affected"));
                for (int i = 0; i < 5; i++) admin.ok("room:create", p("name", "admin " + i));
                for (int i = 0; i < 5; i++) service.ok("room:create", p("name", "service " + i));
            }
            assertThat(LimitsTest.metric(hub, "hubbub_limit_hits_total{limit=\"room_creates\"}")).isEqualTo(2);
        }
    }

    @Test
    void persistentRoomsPerUserAreCappedInTheDatabaseUntilOneIsClosed() {
        try (TestHubbub hub = TestHubbub.start(Map.of("limits.persistentRoomsPerUser", "2"))) {
            String r1 = room("pc1"), r2 = room("pc2"), r3 = room("pc3");
            try (NativeClient a = hub.connect("pc-user")) {
                a.ok("room:create", p("room", r1, "name", "one", "persistent", true));
                a.ok("room:leave", p("room", r1)); // leaving keeps a persistent room: it still counts
            }
            try (NativeClient a = hub.connect("pc-user")) {
                a.ok("room:create", p("room", r2, "name", "two", "persistent", true));
                assertThat(a.error("room:create", p("room", r3, "name", "three", "persistent", true)).path("code").asText())
                        .isEqualTo("limit_exceeded");
                assertThat(hub.server().node().rooms().local(r3)).as("a refused create leaves no room").isEmpty();
                a.ok("room:create", p("name", "ephemeral rooms are not counted"));
                a.ok("room:close", p("room", r2));
                a.ok("room:create", p("room", r3, "name", "three", "persistent", true));
            }
            try (NativeClient admin = NativeClient.connect(hub.wsUrl() + "?token=" + hub.adminToken("pc-admin"))) {
                for (int i = 0; i < 3; i++) admin.ok("room:create", p("name", "admin " + i, "persistent", true));
            }
            assertThat(LimitsTest.metric(hub, "hubbub_limit_hits_total{limit=\"persistent_rooms\"}")).isEqualTo(1);
        }
    }
}
