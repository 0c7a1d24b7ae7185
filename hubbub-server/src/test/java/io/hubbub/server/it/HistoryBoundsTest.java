package io.hubbub.server.it;

import static io.hubbub.server.testing.Frames.offsets;
import static io.hubbub.server.testing.Frames.p;
import static io.hubbub.server.testing.Frames.room;
import static io.hubbub.server.testing.Frames.until;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Item 4 of the security review: history is bounded in bytes per room and per node, and a non-admin
 * cannot ask for a huge history. Real server (memory engine), real clients.
 */
class HistoryBoundsTest {
    static TestHubbub hub;

    @BeforeAll
    static void start() {
        hub = TestHubbub.start(Map.of("history.maxBytesPerRoom", "8KiB", "history.maxTotalBytes", "40KiB",
                "limits.connectsPerIpPerSecond", "1000", "limits.framesPerSecond", "1000", "limits.frameBurst", "1000"));
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    static String text(int n) {
        return n + "-" + "x".repeat(1_000);
    }

    static JsonNode history(NativeClient c, String r) {
        return c.ok("room:history", p("room", r, "limit", 1000));
    }

    @Test
    void aRoomKeepsAtMostItsBytesAndARecoveryBehindTheFrontSaysNotRecovered() {
        String r = room("bytes");
        try (NativeClient pub = hub.connect("hb-pub")) {
            JsonNode created = pub.ok("room:create", p("room", r, "name", "Bytes", "historySize", 1000));
            String epoch = created.path("position").path("epoch").asText();
            for (int i = 1; i <= 30; i++) pub.ok("message:send", p("room", r, "data", Map.of("text", text(i))));
            JsonNode h = history(pub, r);
            int kept = h.path("messages").size();
            assertThat(kept).as("about 1 KB each, 8 KiB per room").isBetween(1, 8);
            assertThat(h.path("messages").get(kept - 1).path("offset").asLong()).isEqualTo(30);
            assertThat(h.path("position").path("epoch").asText()).as("trimming keeps the epoch").isEqualTo(epoch);

            try (NativeClient c = hub.connect("hb-late")) {
                c.event("session:welcome");
                long id = c.send("room:join", p("room", r, "since", p("epoch", epoch, "offset", 2)));
                List<JsonNode> frames = until(c, id);
                assertThat(frames.getLast().path("payload").path("recovered").asBoolean(true)).isFalse();
                assertThat(offsets(frames, r)).as("never a partial replay").isEmpty();
            }
            try (NativeClient c = hub.connect("hb-recent")) {
                c.event("session:welcome");
                long id = c.send("room:join", p("room", r, "since", p("epoch", epoch, "offset", 29)));
                List<JsonNode> frames = until(c, id);
                assertThat(frames.getLast().path("payload").path("recovered").asBoolean()).isTrue();
                assertThat(offsets(frames, r)).containsExactly(30L);
            }
        }
    }

    /** The report's attack, scaled down: one user's rooms together cannot take more than the node bound. */
    @Test
    void allRoomsTogetherStayUnderTheNodeBound() {
        try (NativeClient pub = hub.connect("hb-flood")) {
            List<String> rooms = List.of(room("flood-a"), room("flood-b"), room("flood-c"), room("flood-d"), room("flood-e"),
                    room("flood-f"), room("flood-g"));
            for (String r : rooms) pub.ok("room:create", p("room", r, "name", "Flood", "historySize", 1000));
            for (int i = 1; i <= 12; i++) {
                for (String r : rooms) pub.ok("message:send", p("room", r, "data", Map.of("text", text(i))));
            }
            int total = 0;
            for (String r : rooms) total += history(pub, r).path("messages").size();
            // 7 rooms × 12 KB published, each room ≤ 8 KiB; the node keeps ≤ 40 KiB, i.e. fewer than 40 of these messages
            assertThat(total).isLessThan(40);
        }
    }

    @Test
    void aNonAdminCannotAskForMoreThanTheUserHistorySizeButAnAdminCan() {
        try (NativeClient u = hub.connect("hb-user");
             NativeClient admin = NativeClient.connect(hub.wsUrl() + "?token=" + hub.adminToken("hb-admin"))) {
            assertThat(u.error("room:create", p("name", "Huge", "historySize", 10_000)).path("code").asText()).isEqualTo("bad_request");
            String r = room("capped");
            u.ok("room:create", p("room", r, "name", "Ok", "historySize", 1000));
            assertThat(u.error("room:update", p("room", r, "historySize", 5_000)).path("code").asText()).isEqualTo("bad_request");
            admin.ok("room:create", p("name", "Admin's", "historySize", 10_000));
        }
    }
}
