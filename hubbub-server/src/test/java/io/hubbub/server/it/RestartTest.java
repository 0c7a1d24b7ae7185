package io.hubbub.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.core.protocol.Json;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.Test;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static io.hubbub.server.testing.Frames.offsets;
import static io.hubbub.server.testing.Frames.p;
import static io.hubbub.server.testing.Frames.room;
import static io.hubbub.server.testing.Frames.until;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A restart on the same data directory: users and persistent rooms (settings, invites) come back,
 * ephemeral rooms do not, and old positions are not recoverable (the memory engine starts new epochs).
 */
class RestartTest {
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static final Map<String, String> CONFIG = Map.of("limits.connectsPerIpPerSecond", "1000");

    /** Runs the scenario on a server started by {@code starter} (SQLite here; PostgresServerTest reuses it). */
    static void usersAndPersistentRoomsSurviveARestart(java.util.function.Supplier<TestHubbub> starter) throws Exception {
        String kept = room("kept");
        String secret = room("secret");
        String gone = room("gone");
        String epoch;
        long seen;
        String userId;
        try (TestHubbub first = starter.get()) {
            JsonNode up = post(first, "/api/auth/signup", "{\"username\":\"restart-user\",\"password\":\"restart-pass-1\",\"displayName\":\"Re Start\"}");
            userId = up.path("user").path("id").asText();
            try (NativeClient host = first.connect("rs-host")) {
                host.ok("room:create", p("room", kept, "name", "Kept", "persistent", true, "capacity", 7, "historySize", 20,
                        "publish", "members", "metadata", Map.of("topic", "Q3")));
                host.ok("room:create", p("room", secret, "name", "Secret", "persistent", true, "visibility", "private"));
                host.ok("room:invite", p("room", secret, "user", "rs-invited"));
                host.ok("room:create", p("room", gone, "name", "Gone"));
                host.ok("room:update", p("room", kept, "name", "Kept (renamed)"));
                JsonNode ack = null;
                for (int i = 0; i < 3; i++) ack = host.ok("message:send", p("room", kept, "data", i));
                epoch = ack.path("epoch").asText();
                seen = ack.path("offset").asLong();
            }
        }
        try (TestHubbub second = starter.get()) {
            JsonNode in = post(second, "/api/auth/signin", "{\"username\":\"restart-user\",\"password\":\"restart-pass-1\"}");
            assertThat(in.path("user").path("id").asText()).isEqualTo(userId);
            assertThat(in.path("user").path("displayName").asText()).isEqualTo("Re Start");

            try (NativeClient c = second.connect("rs-member"); NativeClient invited = second.connect("rs-invited");
                 NativeClient stranger = second.connect("rs-stranger")) {
                JsonNode r = c.ok("room:get", p("room", kept));
                assertThat(r.path("name").asText()).isEqualTo("Kept (renamed)");
                assertThat(r.path("capacity").asInt()).isEqualTo(7);
                assertThat(r.path("historySize").asInt()).isEqualTo(20);
                assertThat(r.path("persistent").asBoolean()).isTrue();
                assertThat(r.path("metadata").path("topic").asText()).isEqualTo("Q3");
                assertThat(c.ok("room:list", p("limit", 200)).path("rooms")).extracting(x -> x.path("id").asText()).contains(kept).doesNotContain(gone);
                assertThat(c.error("room:join", p("room", gone)).path("code").asText()).as("ephemeral rooms are gone").isEqualTo("not_found");

                // an old position: the history did not survive (new epoch), so no recovery, and no replay
                long id = c.send("room:join", p("room", kept, "since", p("epoch", epoch, "offset", seen)));
                List<JsonNode> frames = until(c, id);
                JsonNode reply = frames.getLast().path("payload");
                assertThat(reply.path("recovered").asBoolean(true)).isFalse();
                assertThat(reply.path("position").path("epoch").asText()).isNotEqualTo(epoch);
                assertThat(offsets(frames, kept)).isEmpty();
                c.ok("message:send", p("room", kept, "data", "after restart"));

                invited.ok("room:join", p("room", secret));
                assertThat(stranger.error("room:join", p("room", secret)).path("code").asText()).as("the invite list survived, nothing more").isEqualTo("forbidden");
            }
        }
    }

    @Test
    void onSqlite() throws Exception {
        Path dir = Files.createTempDirectory("hubbub-restart");
        usersAndPersistentRoomsSurviveARestart(() -> TestHubbub.start(dir, CONFIG));
    }

    static JsonNode post(TestHubbub hub, String path, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(hub.http(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(path + " " + r.body()).isBetween(200, 201);
        return Json.MAPPER.readTree(r.body());
    }
}
