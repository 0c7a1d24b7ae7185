package io.hubbub.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.server.testing.NativeClient;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static io.hubbub.server.testing.Frames.p;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A user in 5,000 chats: connecting subscribes nothing per chat (delivery goes through the user
 * channel), the first message of any chat arrives right away, and chat:list still answers every chat
 * with its unread count. Prints the times (informational; no timed assertion).
 */
class ManyChatsTest {

    @Test
    void aUserInFiveThousandChats() {
        try (ChatServer hub = ChatServer.start(Map.of("features.chat.sendsPerSecond", "1000", "features.chat.sendBurst", "1000"))) {
            int chats = 5000;
            ChatStore store = new ChatStore();
            long now = hub.clock.millis();
            hub.server.database().useHandle(h -> h.useTransaction(t -> {
                for (int i = 0; i < chats; i++) {
                    String id = "many-" + i, peer = "peer" + i;
                    store.insertChat(t, new Model.Chat(id, ChatRules.Kind.DIRECT, null, null, null, null, 0, now, now), ChatRules.directKey("busy", peer));
                    store.addMember(t, id, "busy", ChatRules.Role.MEMBER, now);
                    store.addMember(t, id, peer, ChatRules.Role.MEMBER, now);
                }
            }));
            long t0 = System.nanoTime();
            try (NativeClient busy = hub.connect("busy"); NativeClient peer = hub.connect("peer4999")) {
                long connected = System.nanoTime();
                peer.ok("message:new", p("chatId", "many-4999", "text", "are you there?"));
                JsonNode first = busy.event("message:new");
                long firstMessage = System.nanoTime();
                assertThat(first.path("chatId").asText()).isEqualTo("many-4999");
                JsonNode list = busy.ok("chat:list", p());
                long listed = System.nanoTime();
                assertThat(list.get("chats")).hasSize(chats);
                assertThat(list.path("totalUnread").asLong()).isEqualTo(1);
                assertThat(list.at("/chats/0/id").asText()).as("most recently active first").isEqualTo("many-4999");
                System.out.printf("user in %d chats: connected in %.1f ms, first message %.1f ms later, chat:list in %.1f ms%n", chats,
                        (connected - t0) / 1e6, (firstMessage - connected) / 1e6, (listed - firstMessage) / 1e6);
            }
        }
    }
}
