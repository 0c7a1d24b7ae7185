package io.hubbub.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.server.testing.NativeClient;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.hubbub.server.testing.Frames.p;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Friends (request, accept, decline, cancel, remove, block) with the pushes to the other user,
 * presence of friends on connect, and stored notifications: delivered on connect to a user who was
 * offline, marked read, and expired after their TTL (a test clock moves time; the periodic cleanup
 * deletes the rows).
 */
class FriendsAndNotificationsTest {

    @Test
    void friendsBlockingAndNotificationsWithTheirTtl() throws Exception {
        try (ChatServer hub = ChatServer.start(Map.of("features.chat.notificationTtl", "30d", "features.chat.cleanupInterval", "100ms"))) {
            try (NativeClient ann = hub.connect("ann"); NativeClient bob = hub.connect("bob")) {
                assertThat(ann.ok("friend:request", p("userId", "bob")).path("relation").asText()).isEqualTo("outgoing");
                JsonNode incoming = bob.event("notification:new");
                assertThat(incoming.path("type").asText()).isEqualTo("friend:request:new");
                assertThat(incoming.at("/data/userId").asText()).isEqualTo("ann");
                JsonNode lists = bob.ok("friend:list", p());
                assertThat(lists.get("incoming")).extracting(JsonNode::asText).containsExactly("ann");
                assertThat(ann.ok("friend:list", p()).get("outgoing")).extracting(JsonNode::asText).containsExactly("bob");

                assertThat(bob.ok("friend:accept", p("userId", "ann")).path("relation").asText()).isEqualTo("friends");
                assertThat(ann.event("notification:new").path("type").asText()).isEqualTo("friend:request:accepted");
                assertThat(ann.ok("friend:list", p()).get("friends")).extracting(JsonNode::asText).containsExactly("bob");

                bob.ok("friend:remove", p("userId", "ann"));
                assertThat(ann.event("friend:removed").path("userId").asText()).isEqualTo("bob");
                ann.ok("friend:request", p("userId", "bob"));
                ann.ok("friend:cancel", p("userId", "bob"));
                assertThat(bob.event("friend:request:cancelled").path("userId").asText()).isEqualTo("ann");

                // a block stops requests and direct messages both ways, and is lifted by unblock
                String chat = ann.ok("chat:create", p("type", "direct", "userId", "bob")).at("/chat/id").asText();
                bob.ok("friend:block", p("userId", "ann"));
                assertThat(ann.error("friend:request", p("userId", "bob")).path("code").asText()).isEqualTo("forbidden");
                assertThat(ann.error("message:new", p("chatId", chat, "text", "hi")).path("code").asText()).isEqualTo("forbidden");
                assertThat(bob.error("message:new", p("chatId", chat, "text", "hi")).path("code").asText()).isEqualTo("forbidden");
                bob.ok("friend:unblock", p("userId", "ann"));
                ann.ok("message:new", p("chatId", chat, "text", "hi again"));
                bob.ok("friend:request", p("userId", "ann"));
                ann.ok("friend:accept", p("userId", "bob"));
            }

            // presence: a friend's connection is announced to a connected friend
            try (NativeClient ann = hub.connect("ann")) {
                try (NativeClient bob = hub.connect("bob")) {
                    assertThat(bob.ok("chat:list", p()).get("chats")).isNotEmpty();
                    JsonNode online = ann.take(f -> f.path("type").asText().equals("presence:user") && f.at("/payload/user").asText().equals("bob"));
                    assertThat(online.at("/payload/online").asBoolean()).isTrue();
                }
                JsonNode offline = ann.take(f -> f.path("type").asText().equals("presence:user") && f.at("/payload/user").asText().equals("bob")
                        && !f.at("/payload/online").asBoolean());
                assertThat(offline.at("/payload/lastSeen").isNumber()).isTrue();
            }
            // a friend who is already online when a connection starts is announced to it as well
            try (NativeClient bob = hub.connect("bob"); NativeClient ann = hub.connect("ann")) {
                JsonNode online = ann.take(f -> f.path("type").asText().equals("presence:user") && f.at("/payload/user").asText().equals("bob"));
                assertThat(online.at("/payload/online").asBoolean()).isTrue();
                assertThat(bob.ok("chat:list", p()).get("chats")).isNotEmpty();
            }

            // offline: a group invitation is stored and replayed as notification:new on connect
            try (NativeClient ann = hub.connect("ann")) {
                ann.ok("chat:create", p("type", "group", "name", "Later", "members", List.of("cat")));
            }
            try (NativeClient cat = hub.connect("cat")) {
                JsonNode n = cat.event("notification:new");
                assertThat(n.path("type").asText()).isEqualTo("chat:added");
                JsonNode list = cat.ok("notification:list", p());
                assertThat(list.path("unread").asInt()).isEqualTo(1);
                assertThat(cat.ok("notification:read", p("id", n.path("id").asText())).path("unread").asInt()).isZero();
                assertThat(cat.ok("notification:list", p("unreadOnly", true)).get("notifications")).isEmpty();
                assertThat(cat.ok("notification:list", p()).get("notifications")).hasSize(1);
            }

            // after the TTL a notification is gone: not listed, not replayed, and deleted by the cleanup
            hub.clock.advance(Duration.ofDays(31));
            try (NativeClient cat = hub.connect("cat")) {
                assertThat(cat.ok("notification:list", p()).get("notifications")).isEmpty();
                assertThat(cat.sees(f -> f.path("type").asText().equals("notification:new"), 300)).isFalse();
            }
            for (int i = 0; i < 100 && rows(hub) > 0; i++) Thread.sleep(100);
            assertThat(rows(hub)).isZero();
        }
    }

    static int rows(ChatServer hub) {
        return hub.server.database().withHandle(h -> h.createQuery("SELECT COUNT(*) FROM chat_notifications").mapTo(Integer.class).one());
    }
}
