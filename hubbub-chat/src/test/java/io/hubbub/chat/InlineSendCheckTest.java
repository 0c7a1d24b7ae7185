package io.hubbub.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.server.testing.NativeClient;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.hubbub.server.testing.Frames.p;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A send into a chat held in memory is checked on the connection's thread (no check thread): it is
 * counted, it is refused exactly as before, and it never overtakes an earlier send of the same
 * connection that still waits for a check thread (a reply, which needs the database).
 */
class InlineSendCheckTest {

    @Test
    void loadedChatsAreCheckedInlineInOrderWithTheSameRefusals() {
        try (ChatServer hub = ChatServer.start(Map.of("features.chat.sendCacheTtl", "10m",
                "features.chat.sendsPerSecond", "1000", "features.chat.sendBurst", "1000"))) {
            String ann = "ann" + System.nanoTime(), bob = "bob" + System.nanoTime(), cat = "cat" + System.nanoTime();
            try (NativeClient a = hub.connect(ann); NativeClient b = hub.connect(bob); NativeClient c = hub.connect(cat)) {
                String group = a.ok("chat:create", p("type", "group", "name", "g", "members", List.of(bob))).at("/chat/id").asText();
                String first = a.ok("message:new", p("chatId", group, "text", "loads the chat")).at("/message/id").asText();

                double before = inline(hub);
                for (int i = 0; i < 10; i++) b.ok("message:new", p("chatId", group, "text", "m" + i));
                assertThat(inline(hub) - before).as("sends into the loaded chat, checked inline").isEqualTo(10);

                // pipelined: replies (check threads) interleaved with plain sends (inline) keep the send order
                List<Long> reqs = new ArrayList<>();
                for (int i = 0; i < 40; i++)
                    reqs.add(i % 4 == 0 ? a.send("message:new", p("chatId", group, "text", "re" + i, "replyTo", first))
                            : a.send("message:new", p("chatId", group, "text", "plain" + i)));
                long last = 0;
                for (long id : reqs) {
                    JsonNode r = a.take(f -> f.path("id").asLong(-1) == id);
                    assertThat(r.path("type").asText()).as(r.toString()).isEqualTo("reply");
                    long seq = r.at("/payload/message/seq").asLong();
                    assertThat(seq).as("sequence follows the send order").isGreaterThan(last);
                    last = seq;
                }

                // refusals on the inline path: a stranger, a mention of a non-member; nothing stored
                before = inline(hub);
                assertThat(c.error("message:new", p("chatId", group, "text", "let me in")).path("code").asText()).isEqualTo("forbidden");
                assertThat(b.error("message:new", p("chatId", group, "text", "hi @cat", "mentions", List.of(cat))).path("code").asText())
                        .isEqualTo("bad_request");
                assertThat(inline(hub) - before).as("both refused inline").isEqualTo(2);
                assertThat(a.ok("chat:get", p("chatId", group)).at("/chat/lastSeq").asLong()).isEqualTo(last);

                // a membership change on this node applies to the next send, which then takes the check thread
                a.ok("chat:members:remove", p("chatId", group, "userId", bob));
                assertThat(b.error("message:new", p("chatId", group, "text", "still here?")).path("code").asText()).isEqualTo("forbidden");
            }
        }
    }

    static double inline(ChatServer hub) {
        return hub.server.metrics().registry().get("hubbub.chat.sends.inline").functionCounter().count();
    }
}
