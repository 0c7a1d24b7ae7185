package io.hubbub.server.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.protocol.Json;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The embedding example over a real WebSocket: the custom event and the publish hook both take effect. */
class DiceExampleTest {
    static TestHubbub hub;

    @BeforeAll
    static void start() {
        hub = TestHubbub.start();
        DiceExample.install(hub.server().node(), "darn");
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    static ObjectNode p(Object... kv) {
        ObjectNode o = Json.object();
        for (int i = 0; i < kv.length; i += 2) o.set((String) kv[i], Json.MAPPER.valueToTree(kv[i + 1]));
        return o;
    }

    @Test
    void theCustomEventIsServedAndReachesEveryMember() {
        String room = "dice-" + System.nanoTime();
        try (NativeClient ann = hub.connect("ann"); NativeClient bob = hub.connect("bob")) {
            assertThat(hub.server().node().eventTypes()).contains("dice:roll");
            ann.ok("room:create", p("room", room, "name", "Dice"));
            bob.ok("room:join", p("room", room));

            JsonNode reply = ann.ok("dice:roll", p("room", room, "sides", 20));
            int n = reply.path("n").asInt();
            assertThat(n).isBetween(1, 20);
            JsonNode rolled = bob.event("dice:rolled");
            assertThat(rolled.path("room").asText()).isEqualTo(room);
            assertThat(rolled.at("/from/id").asText()).isEqualTo("ann");
            assertThat(rolled.at("/data/n").asInt()).isEqualTo(n);
            assertThat(rolled.at("/data/sides").asInt()).isEqualTo(20);
            assertThat(rolled.path("offset").asLong()).isEqualTo(reply.path("offset").asLong()).isPositive();
            assertThat(ann.event("dice:rolled").at("/data/n").asInt()).isEqualTo(n);

            // recorded like a message: it is in the room's history
            JsonNode history = bob.ok("room:history", p("room", room));
            assertThat(history.path("messages")).anyMatch(m -> m.at("/data/n").asInt() == n);

            // the handler validates like the built-in ones
            assertThat(ann.error("dice:roll", p("room", room, "sides", 1)).path("code").asText()).isEqualTo("bad_request");
            assertThat(ann.error("dice:roll", p("room", "elsewhere")).path("code").asText()).isEqualTo("not_found");
        }
    }

    @Test
    void thePublishHookRefusesBannedWordsAndLetsOthersThrough() {
        String room = "hook-" + System.nanoTime();
        try (NativeClient ann = hub.connect("ann"); NativeClient bob = hub.connect("bob")) {
            ann.ok("room:create", p("room", room, "name", "Hook"));
            bob.ok("room:join", p("room", room));

            for (Object data : List.of("well darn it", Map.of("text", "DARN!"), Map.of("parts", List.of("ok", "Darn")))) {
                JsonNode err = ann.error("message:send", p("room", room, "data", data));
                assertThat(err.path("code").asText()).as("%s", data).isEqualTo("forbidden");
                assertThat(err.path("message").asText()).contains("banned word");
            }
            assertThat(bob.sees(f -> "message:new".equals(f.path("type").asText()), 300))
                    .as("a refused message is not delivered").isFalse();

            JsonNode ack = ann.ok("message:send", p("room", room, "data", Map.of("text", "darning socks is fine")));
            JsonNode got = bob.event("message:new");
            assertThat(got.at("/data/text").asText()).isEqualTo("darning socks is fine");
            assertThat(got.path("offset").asLong()).isEqualTo(ack.path("offset").asLong());
            assertThat(bob.ok("room:history", p("room", room)).path("messages")).hasSize(1);
        }
    }
}
