package io.hubbub.chat;

import io.hubbub.server.testing.NativeClient;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.hubbub.server.testing.Frames.p;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sends are checked against chat members and blocks held in memory (no query per send), and a change
 * made on this node applies to the very next send. The cache lives 10 minutes here, so a stale entry
 * could only be dropped by the invalidation under test, never by its age.
 */
class SendAccessTest {

    @Test
    void sendsReuseTheLoadedChatAndSeeMembershipAndBlockChangesAtOnce() {
        try (ChatServer hub = ChatServer.start(Map.of("features.chat.sendCacheTtl", "10m"))) {
            String ann = "ann" + System.nanoTime(), bob = "bob" + System.nanoTime(), cat = "cat" + System.nanoTime(),
                    dan = "dan" + System.nanoTime();
            try (NativeClient a = hub.connect(ann); NativeClient b = hub.connect(bob); NativeClient d = hub.connect(dan)) {
                String group = a.ok("chat:create", p("type", "group", "name", "g", "members", List.of(bob, cat))).at("/chat/id").asText();

                double before = loads(hub);
                for (int i = 0; i < 20; i++) b.ok("message:new", p("chatId", group, "text", "m" + i));
                assertThat(loads(hub) - before).as("20 sends, one chat load").isEqualTo(1);

                // membership changes apply to the next send
                a.ok("chat:members:remove", p("chatId", group, "userId", bob));
                assertThat(b.error("message:new", p("chatId", group, "text", "still here?")).path("code").asText()).isEqualTo("forbidden");
                assertThat(d.error("message:new", p("chatId", group, "text", "not yet")).path("code").asText()).isEqualTo("forbidden");
                a.ok("chat:members:add", p("chatId", group, "userIds", List.of(dan)));
                assertThat(d.ok("message:new", p("chatId", group, "text", "in")).at("/message/sender/id").asText()).isEqualTo(dan);

                // a block applies to the next send of a direct chat, and so does its end
                String direct = a.ok("chat:create", p("type", "direct", "userId", bob)).at("/chat/id").asText();
                b.ok("message:new", p("chatId", direct, "text", "hi"));
                a.ok("friend:block", p("userId", bob));
                assertThat(b.error("message:new", p("chatId", direct, "text", "hello?")).path("code").asText()).isEqualTo("forbidden");
                a.ok("friend:unblock", p("userId", bob));
                b.ok("message:new", p("chatId", direct, "text", "thanks"));

                // an unknown chat is still not_found, and is not held
                assertThat(b.error("message:new", p("chatId", "nochat", "text", "x")).path("code").asText()).isEqualTo("not_found");
            }
        }
    }

    static double loads(ChatServer hub) {
        return hub.server.metrics().registry().get("hubbub.chat.send.cache.loads").functionCounter().count();
    }
}
