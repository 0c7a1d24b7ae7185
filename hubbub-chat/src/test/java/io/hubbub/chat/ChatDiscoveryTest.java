package io.hubbub.chat;

import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.hubbub.server.testing.Frames.p;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The feature as the one jar gets it: found by ServiceLoader (no explicit registration), installed
 * with its events and routes; disabled, none of it exists (events, routes, tables) and the core's
 * own typing:start is unchanged.
 */
class ChatDiscoveryTest {

    @Test
    void foundByServiceLoaderAndInvisibleWhenDisabled() {
        try (TestHubbub hub = TestHubbub.start(Map.of())) {
            assertThat(hub.server().features().installed()).contains("chat");
            assertThat(hub.server().node().eventTypes()).contains("chat:create", "message:new", "friend:request", "notification:list");
            assertThat(hub.server().httpApi().routes()).contains("GET /api/chat/chats", "POST /api/chat/chats/{id}/messages");
        }
        try (TestHubbub hub = TestHubbub.start(Map.of("features.chat.enabled", "false")); NativeClient ann = hub.connect("ann")) {
            assertThat(hub.server().features().installed()).doesNotContain("chat");
            assertThat(hub.server().node().eventTypes()).doesNotContain("chat:create", "message:new", "message:search");
            assertThat(hub.server().httpApi().routes()).noneMatch(r -> r.contains("/api/chat"));
            assertThat(ann.error("chat:create", p("type", "direct", "userId", "bob")).path("code").asText()).isEqualTo("unknown_event");
            ann.ok("room:create", p("room", "r1", "name", "R"));
            ann.ok("typing:start", p("room", "r1"));
            List<String> tables = hub.server().database().withHandle(h -> h.createQuery(
                    "SELECT name FROM sqlite_master WHERE type = 'table'").mapTo(String.class).list());
            assertThat(tables).isNotEmpty().noneMatch(t -> t.startsWith("chat_") || t.equals("flyway_chat_history"));
        }
    }
}
