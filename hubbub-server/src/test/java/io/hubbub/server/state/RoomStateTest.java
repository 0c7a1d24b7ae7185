package io.hubbub.server.state;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.engine.RoomStateStore;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.state.RoomStateService;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Room state over the native protocol on one node (memory engine): state:get/set/delete, state:changed, write policy, server API. */
class RoomStateTest {
    static TestHubbub hub;

    @BeforeAll
    static void start() {
        hub = TestHubbub.start();
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
    void theHostSetsStateMembersAreToldAndReadItAndOthersMayNotWrite() {
        String room = "state-" + System.nanoTime();
        try (NativeClient host = hub.connect("st-host"); NativeClient member = hub.connect("st-member");
             NativeClient outsider = hub.connect("st-outsider")) {
            host.ok("room:create", p("room", room, "name", "state room"));
            member.ok("room:join", p("room", room));
            host.ok("state:set", p("room", room, "key", "pos:st-host", "value", Map.of("x", 3, "y", 4)));
            JsonNode changed = member.event("state:changed");
            assertThat(changed.path("room").asText()).isEqualTo(room);
            assertThat(changed.path("key").asText()).isEqualTo("pos:st-host");
            assertThat(changed.path("value").path("x").asInt()).isEqualTo(3);
            assertThat(changed.path("by").path("id").asText()).isEqualTo("st-host");

            JsonNode all = member.ok("state:get", p("room", room));
            assertThat(all.path("state").path("pos:st-host").path("y").asInt()).isEqualTo(4);
            JsonNode one = member.ok("state:get", p("room", room, "key", "pos:st-host"));
            assertThat(one.path("value").path("x").asInt()).isEqualTo(3);
            assertThat(member.ok("state:get", p("room", room, "key", "none")).path("value").isNull()).isTrue();

            assertThat(member.error("state:set", p("room", room, "key", "k", "value", 1)).path("code").asText()).isEqualTo("forbidden");
            assertThat(outsider.error("state:get", p("room", room)).path("code").asText()).isEqualTo("not_found");
            assertThat(host.error("state:set", p("room", room, "key", "k")).path("code").asText()).isEqualTo("bad_request");
            assertThat(host.error("state:set", p("room", room, "key", "k", "value", "x".repeat(20_000))).path("code").asText())
                    .isEqualTo("too_large");

            assertThat(host.ok("state:delete", p("room", room, "key", "pos:st-host")).path("deleted").asBoolean()).isTrue();
            JsonNode deleted = member.event("state:changed");
            assertThat(deleted.path("value").isNull()).isTrue();
            assertThat(host.ok("state:delete", p("room", room, "key", "pos:st-host")).path("deleted").asBoolean()).isFalse();
        }
    }

    @Test
    void theServerApiWritesStateAndRankingsAndThePolicyCanOpenWritesToMembers() throws Exception {
        String room = "state-api-" + System.nanoTime();
        RoomStateService state = hub.server().node().roomState();
        try (NativeClient host = hub.connect("sa-host"); NativeClient member = hub.connect("sa-member")) {
            host.ok("room:create", p("room", room, "name", "api room"));
            member.ok("room:join", p("room", room));
            hub.server().node().rooms().state(room).set("round", Json.MAPPER.valueToTree(2), null).get();
            JsonNode changed = member.event("state:changed");
            assertThat(changed.path("value").asInt()).isEqualTo(2);
            assertThat(changed.path("by").path("id").asText()).isEqualTo("server");

            RoomStateService.Handle h = state.of(room);
            h.incrementScore("points", "sa-member", 5).get();
            h.incrementScore("points", "sa-host", 3).get();
            assertThat(h.top("points", 10).get()).extracting(RoomStateStore.Score::member).containsExactly("sa-member", "sa-host");
            assertThat(h.rank("points", "sa-host").get().orElseThrow().rank()).isEqualTo(1);

            state.writePolicy(RoomStateService.WritePolicy.MEMBERS);
            try {
                member.ok("state:set", p("room", room, "key", "pos:sa-member", "value", List.of(1, 2)));
                assertThat(h.get("pos:sa-member").get().orElseThrow().get(1).asInt()).isEqualTo(2);
            } finally {
                state.writePolicy(RoomStateService.WritePolicy.HOST_OR_ADMIN);
            }
            host.ok("room:close", p("room", room));
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                    .until(() -> h.entries().get().isEmpty() && h.top("points", 1).get().isEmpty());
        }
    }
}
