package io.hubbub.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.redis.RedisServers;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.store.EmbeddedPostgresHolder;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static io.hubbub.server.testing.Frames.p;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two chat servers on one Redis and one PostgreSQL: participants on different nodes get each other's
 * messages, receipts, typing and friends' presence; both nodes sending into one chat at once still
 * give one gap-free sequence (the chat row serialises the writers of both nodes).
 */
class TwoNodesTest {

    @Test
    void participantsOnDifferentNodes() throws Exception {
        try (RedisServers.Server redis = RedisServers.single()) {
            Map<String, String> o = new HashMap<>();
            o.put("storage.jdbcUrl", EmbeddedPostgresHolder.freshDatabaseUrl());
            o.put("engine.type", "redis");
            o.put("engine.redis.uri", redis.uri());
            o.put("auth.jwtSecret", "a-shared-secret-for-both-test-nodes-0123456789");
            o.put("features.chat.sendsPerSecond", "1000");
            o.put("features.chat.sendBurst", "1000");
            try (ChatServer a = ChatServer.start(o); ChatServer b = ChatServer.start(o);
                 NativeClient ann = a.connect("ann"); NativeClient bob = b.connect("bob")) {
                ann.ok("friend:request", p("userId", "bob"));
                assertThat(bob.event("notification:new").path("type").asText()).isEqualTo("friend:request:new");
                bob.ok("friend:accept", p("userId", "ann"));

                String chat = ann.ok("chat:create", p("type", "direct", "userId", "bob")).at("/chat/id").asText();
                assertThat(bob.event("chat:created").at("/chat/id").asText()).isEqualTo(chat);
                ann.ok("message:new", p("chatId", chat, "text", "from node a"));
                assertThat(bob.event("message:new").path("text").asText()).isEqualTo("from node a");
                bob.ok("message:new", p("chatId", chat, "text", "from node b"));
                assertThat(ann.event("message:new").path("seq").asLong()).isEqualTo(1); // her own, echoed
                assertThat(ann.event("message:new").path("text").asText()).isEqualTo("from node b");
                bob.ok("chat:read", p("chatId", chat));
                assertThat(ann.event("chat:read").path("seq").asLong()).isEqualTo(2);
                ann.ok("typing:start", p("chatId", chat));
                assertThat(bob.event("typing:start").path("userId").asText()).isEqualTo("ann");

                // both nodes write into the same chat at once: one gap-free sequence
                List<Long> fromA = new ArrayList<>(), fromB = new ArrayList<>();
                for (int i = 0; i < 40; i++) {
                    fromA.add(ann.send("message:new", p("chatId", chat, "text", "a" + i)));
                    fromB.add(bob.send("message:new", p("chatId", chat, "text", "b" + i)));
                }
                Set<Long> seqs = new TreeSet<>();
                for (long id : fromA) seqs.add(ann.take(f -> f.path("id").asLong(-1) == id).at("/payload/message/seq").asLong());
                for (long id : fromB) seqs.add(bob.take(f -> f.path("id").asLong(-1) == id).at("/payload/message/seq").asLong());
                assertThat(seqs).hasSize(80);
                assertThat(seqs).first().isEqualTo(3L);
                assertThat(new ArrayList<>(seqs).getLast()).isEqualTo(82L);
                JsonNode page = bob.ok("chat:history", p("chatId", chat, "after", 0, "limit", 100));
                List<Long> all = ChatFlowTest.seqs(page);
                for (int i = 0; i < all.size(); i++) assertThat(all.get(i)).isEqualTo(i + 1L);

                // friends' presence across nodes: a new connection of ann on node a watches bob (the
                // replayed notification arrives once the watch is subscribed); bob goes and comes back on node b
                bob.close(); // (closed again by try-with-resources: idempotent)
                try (NativeClient watcher = a.connect("ann")) {
                    watcher.event("notification:new");
                    try (NativeClient bobAgain = b.connect("bob")) {
                        assertThat(bobAgain.isClosed()).isFalse();
                        JsonNode online = watcher.take(f -> f.path("type").asText().equals("presence:user") && f.at("/payload/online").asBoolean());
                        assertThat(online.at("/payload/user").asText()).isEqualTo("bob");
                    }
                    JsonNode offline = watcher.take(f -> f.path("type").asText().equals("presence:user") && !f.at("/payload/online").asBoolean());
                    assertThat(offline.at("/payload/lastSeen").isNumber()).isTrue();
                }
            }
        }
    }
}
