package io.hubbub.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.server.testing.ClusterFixture;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.NodeProcess;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chat on two node processes (the server's cluster fixture: Redis, PostgreSQL, the chat feature
 * found by ServiceLoader on the test class path). The sender's node is killed (kill -9) right after
 * its last acknowledgement: the receiver on the other node has every acknowledged message exactly
 * once — pushed, or caught up from history after its last seq — and the sender's retry through the
 * surviving node (same clientId) is answered with the stored message, not stored twice.
 */
class ChatClusterProcessTest {

    @Test
    void noAcknowledgedMessageIsLostOrDoubledWhenTheSendersNodeDies() {
        try (ClusterFixture cluster = new ClusterFixture(2, Map.of())) {
            NodeProcess a = cluster.node("node-a"), b = cluster.node("node-b");
            try (NativeClient bob = cluster.connect(b, "bob")) {
                String chat;
                List<String> acked = new ArrayList<>();
                try (NativeClient ann = cluster.connect(a, "ann")) {
                    chat = ann.ok("chat:create", ClusterFixture.payload("type", "direct", "userId", "bob")).at("/chat/id").asText();
                    for (int i = 0; i < 20; i++)
                        acked.add(ann.ok("message:new", ClusterFixture.payload("chatId", chat, "text", "m" + i, "clientId", "c" + i))
                                .at("/message/id").asText());
                    a.kill9();
                }
                // bob: what was pushed, then the rest from history after the last seq he has
                List<String> seen = new ArrayList<>();
                long last = 0;
                for (JsonNode f : bob.pending()) {
                    if (!f.path("type").asText().equals("message:new")) continue;
                    assertThat(f.at("/payload/seq").asLong()).as("pushes in order").isEqualTo(last + 1);
                    last = f.at("/payload/seq").asLong();
                    seen.add(f.at("/payload/id").asText());
                }
                for (JsonNode m : bob.ok("chat:history", ClusterFixture.payload("chatId", chat, "after", last, "limit", 100)).get("messages"))
                    seen.add(m.path("id").asText());
                assertThat(seen).containsExactlyElementsOf(acked);

                // the sender retries its last send through the surviving node: the stored message, no copy
                try (NativeClient ann = cluster.connect(b, "ann")) {
                    JsonNode retry = ann.ok("message:new", ClusterFixture.payload("chatId", chat, "text", "m19", "clientId", "c19"));
                    assertThat(retry.path("duplicate").asBoolean()).isTrue();
                    assertThat(retry.at("/message/id").asText()).isEqualTo(acked.getLast());
                    assertThat(ann.ok("chat:get", ClusterFixture.payload("chatId", chat)).at("/chat/lastSeq").asLong()).isEqualTo(20);
                }
            }
        }
    }
}
