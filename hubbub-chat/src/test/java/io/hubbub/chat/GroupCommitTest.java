package io.hubbub.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.server.testing.NativeClient;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.hubbub.server.testing.Frames.p;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The group-commit writer under concurrent senders: every acknowledged message has a distinct
 * sequence number, the chat's sequence has no gap, receivers get the pushes in sequence order, and
 * the same clientId sent several times at once (so in one batch) is stored once.
 */
class GroupCommitTest {

    @Test
    void concurrentSendsGetAGapFreeSequenceAndRetriesAreStoredOnce() {
        try (ChatServer hub = ChatServer.start(Map.of("features.chat.sendsPerSecond", "1000", "features.chat.sendBurst", "1000"))) {
            List<NativeClient> senders = new ArrayList<>();
            List<String> ids = List.of("s1", "s2", "s3", "s4");
            for (String u : ids) senders.add(hub.connect(u));
            try (NativeClient reader = hub.connect("reader")) {
                String chat = senders.get(0).ok("chat:create", p("type", "group", "name", "load",
                        "members", List.of("s2", "s3", "s4", "reader"))).at("/chat/id").asText();
                int perSender = 50;
                List<long[]> pending = new ArrayList<>();
                for (int i = 0; i < perSender; i++)
                    for (int s = 0; s < senders.size(); s++)
                        pending.add(new long[] {s, senders.get(s).send("message:new", p("chatId", chat, "text", "m" + i, "clientId", "c" + i))});
                Set<Long> seqs = new TreeSet<>();
                for (long[] req : pending) {
                    NativeClient c = senders.get((int) req[0]);
                    JsonNode reply = c.take(f -> f.path("id").asLong(-1) == req[1]);
                    assertThat(reply.path("type").asText()).as(reply.toString()).isEqualTo("reply");
                    assertThat(seqs.add(reply.at("/payload/message/seq").asLong())).as("distinct seq").isTrue();
                }
                long total = perSender * senders.size() + 1L; // + the "created" system message
                assertThat(seqs).hasSize((int) total - 1);
                assertThat(new ArrayList<>(seqs).getLast()).isEqualTo(total);

                // the reader got every push, in sequence order
                long last = 0;
                for (int i = 0; i < total; i++) {
                    long seq = reader.event("message:new").path("seq").asLong();
                    assertThat(seq).isEqualTo(last + 1);
                    last = seq;
                }

                // the same clientId five times at once: one message, four duplicates
                NativeClient s1 = senders.get(0);
                List<Long> reqs = new ArrayList<>();
                for (int i = 0; i < 5; i++) reqs.add(s1.send("message:new", p("chatId", chat, "text", "once", "clientId", "same")));
                Set<String> messageIds = new HashSet<>();
                int duplicates = 0;
                for (long id : reqs) {
                    JsonNode r = s1.take(f -> f.path("id").asLong(-1) == id).path("payload");
                    messageIds.add(r.at("/message/id").asText());
                    if (r.path("duplicate").asBoolean()) duplicates++;
                }
                assertThat(messageIds).hasSize(1);
                assertThat(duplicates).isEqualTo(4);
                assertThat(s1.ok("chat:get", p("chatId", chat)).at("/chat/lastSeq").asLong()).isEqualTo(total + 1);
            } finally {
                senders.forEach(NativeClient::close);
            }
        }
    }
}
