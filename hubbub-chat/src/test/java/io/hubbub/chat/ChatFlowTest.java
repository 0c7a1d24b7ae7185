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

import static io.hubbub.server.testing.Frames.p;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chat end to end with real clients over the native protocol: direct chats (one per pair), sends
 * with receipts and unread counts across two devices, idempotent retries, replies, edits, deletes,
 * reactions, history paging, reconnect catch-up without a gap, typing with expiry, and a group's
 * lifecycle — on SQLite with the memory engine, and on PostgreSQL with Redis.
 */
class ChatFlowTest {
    static final Map<String, String> FAST_TYPING = Map.of("features.chat.typingTimeout", "300ms");

    @Test
    void onSqliteAndTheMemoryEngine() throws Exception {
        try (ChatServer hub = ChatServer.start(FAST_TYPING)) {
            directChat(hub);
            groupChat(hub);
        }
    }

    @Test
    void onPostgresAndRedis() throws Exception {
        try (RedisServers.Server redis = RedisServers.single()) {
            Map<String, String> o = new HashMap<>(FAST_TYPING);
            o.put("storage.jdbcUrl", EmbeddedPostgresHolder.freshDatabaseUrl());
            o.put("engine.type", "redis");
            o.put("engine.redis.uri", redis.uri());
            try (ChatServer hub = ChatServer.start(o)) {
                directChat(hub);
                groupChat(hub);
            }
        }
    }

    static void directChat(ChatServer hub) throws InterruptedException {
        String ann = "ann" + System.nanoTime(), bob = "bob" + System.nanoTime();
        try (NativeClient a = hub.connect(ann); NativeClient b1 = hub.connect(bob); NativeClient b2 = hub.connect(bob)) {
            // one direct chat per pair, whoever asks
            JsonNode created = a.ok("chat:create", p("type", "direct", "userId", bob));
            assertThat(created.path("created").asBoolean()).isTrue();
            String chat = created.at("/chat/id").asText();
            JsonNode again = b1.ok("chat:create", p("type", "direct", "userId", ann));
            assertThat(again.at("/chat/id").asText()).isEqualTo(chat);
            assertThat(again.path("created").asBoolean()).isFalse();
            assertThat(b2.event("chat:created").at("/chat/id").asText()).isEqualTo(chat);

            // a send is stored, acknowledged with its seq and pushed to every device of every member
            JsonNode m1 = a.ok("message:new", p("chatId", chat, "text", "hello bob", "clientId", "c-1")).path("message");
            assertThat(m1.path("seq").asLong()).isEqualTo(1);
            for (NativeClient dev : List.of(b1, b2)) {
                JsonNode pushed = dev.event("message:new");
                assertThat(pushed.path("id").asText()).isEqualTo(m1.path("id").asText());
                assertThat(pushed.path("text").asText()).isEqualTo("hello bob");
                assertThat(pushed.at("/sender/id").asText()).isEqualTo(ann);
            }
            // a retried send (same clientId) gets the same message, nothing new is stored or pushed
            JsonNode retry = a.ok("message:new", p("chatId", chat, "text", "hello bob", "clientId", "c-1"));
            assertThat(retry.path("duplicate").asBoolean()).isTrue();
            assertThat(retry.at("/message/id").asText()).isEqualTo(m1.path("id").asText());

            // a reply carries the replied message's sender and an excerpt
            JsonNode m2 = b1.ok("message:new", p("chatId", chat, "text", "hi ann", "replyTo", m1.path("id").asText())).path("message");
            assertThat(m2.path("seq").asLong()).isEqualTo(2);
            assertThat(m2.at("/replyTo/senderId").asText()).isEqualTo(ann);
            assertThat(m2.at("/replyTo/excerpt").asText()).isEqualTo("hello bob");
            assertThat(a.event("message:new").path("seq").asLong()).isEqualTo(1); // ann's own devices get her sends too
            assertThat(a.event("message:new").at("/replyTo/id").asText()).isEqualTo(m1.path("id").asText());

            // unread across devices: ann sends two more; bob has 2 unread on both devices; one device reads
            a.ok("message:new", p("chatId", chat, "text", "three"));
            a.ok("message:new", p("chatId", chat, "text", "four"));
            assertThat(unread(b1, chat)).isEqualTo(2);
            assertThat(b1.ok("chat:delivered", p("chatId", chat)).path("lastDelivered").asLong()).isEqualTo(4);
            JsonNode delivered = a.event("chat:delivered");
            assertThat(delivered.path("userId").asText()).isEqualTo(bob);
            assertThat(delivered.path("seq").asLong()).isEqualTo(4);
            assertThat(unread(b1, chat)).as("delivered is not read").isEqualTo(2);
            JsonNode read = b2.ok("chat:read", p("chatId", chat, "seq", 3));
            assertThat(read.path("unread").asLong()).isEqualTo(1);
            JsonNode seen = a.event("chat:read");
            assertThat(seen.path("userId").asText()).isEqualTo(bob);
            assertThat(seen.path("seq").asLong()).isEqualTo(3);
            assertThat(b1.event("chat:read").path("seq").asLong()).as("the other device hears it").isEqualTo(3);
            assertThat(unread(b1, chat)).isEqualTo(1);
            b1.ok("chat:unread", p("chatId", chat, "seq", 2));
            assertThat(unread(b2, chat)).as("marked unread from seq 2").isEqualTo(3);
            assertThat(b2.event("chat:unread").path("unread").asLong()).isEqualTo(3);
            assertThat(b1.ok("chat:read", p("chatId", chat)).path("unread").asLong()).isZero();

            // edit (sender only), reaction toggle, soft delete
            JsonNode edited = a.ok("message:edit", p("messageId", m1.path("id").asText(), "text", "hello, bob"));
            assertThat(edited.at("/message/edited").asBoolean()).isTrue();
            assertThat(b1.event("message:edited").at("/message/text").asText()).isEqualTo("hello, bob");
            assertThat(b1.error("message:edit", p("messageId", m1.path("id").asText(), "text", "hacked")).path("code").asText()).isEqualTo("forbidden");
            assertThat(b1.ok("message:react", p("messageId", m1.path("id").asText(), "emoji", "👍")).path("on").asBoolean()).isTrue();
            JsonNode reaction = a.event("message:reaction");
            assertThat(reaction.at("/reactions/👍/0").asText()).isEqualTo(bob);
            assertThat(b1.ok("message:react", p("messageId", m1.path("id").asText(), "emoji", "👍")).path("on").asBoolean()).isFalse();
            a.ok("message:delete", p("messageId", m1.path("id").asText()));
            assertThat(b1.event("message:deleted").at("/message/deleted").asBoolean()).isTrue();

            // history: newest page, before, after, around; the tombstone keeps its place
            JsonNode page = b1.ok("chat:history", p("chatId", chat, "limit", 2));
            assertThat(seqs(page)).containsExactly(3L, 4L);
            assertThat(seqs(b1.ok("chat:history", p("chatId", chat, "before", 3)))).containsExactly(1L, 2L);
            assertThat(seqs(b1.ok("chat:history", p("chatId", chat, "after", 2)))).containsExactly(3L, 4L);
            assertThat(seqs(b1.ok("chat:history", p("chatId", chat, "around", 2, "limit", 3)))).containsExactly(1L, 2L, 3L);
            JsonNode tomb = b1.ok("chat:history", p("chatId", chat, "before", 2)).at("/messages/0");
            assertThat(tomb.path("deleted").asBoolean()).isTrue();
            assertThat(tomb.path("text").asText()).isEmpty();

            // search: the words of the caller's chats only; deleted messages are not found
            JsonNode found = b1.ok("message:search", p("query", "thr"));
            assertThat(found.get("messages")).hasSize(1);
            assertThat(found.at("/messages/0/seq").asLong()).isEqualTo(3);
            assertThat(b1.ok("message:search", p("query", "hello bob", "chatId", chat)).get("messages")).as("deleted").isEmpty();
            assertThat(b1.ok("message:search", p("query", "HI ann")).at("/messages/0/id").asText()).isEqualTo(m2.path("id").asText());
            try (NativeClient stranger = hub.connect("stranger" + System.nanoTime())) {
                assertThat(stranger.ok("message:search", p("query", "three")).get("messages")).isEmpty();
            }
            assertThat(a.error("message:search", p("query", "\"*:()")).path("code").asText()).isEqualTo("bad_request");

            // typing: the others hear start, and stop when it expires by itself
            assertThat(a.ok("typing:start", p("chatId", chat)).path("delivered").asBoolean()).isTrue();
            assertThat(b1.event("typing:start").path("userId").asText()).isEqualTo(ann);
            JsonNode stop = b1.event("typing:stop");
            assertThat(stop.path("expired").asBoolean()).isTrue();
            // the core's room typing still works next to it
            String room = "r" + System.nanoTime();
            a.ok("room:create", p("room", room, "name", "R"));
            a.ok("typing:start", p("room", room));
        }

        // reconnect catch-up: messages sent while bob was away are read from his last seq, no gap
        long lastSeen;
        try (NativeClient b = hub.connect(bob)) {
            JsonNode list = b.ok("chat:list", p());
            lastSeen = list.at("/chats/0/lastSeq").asLong();
        }
        String chat;
        try (NativeClient a = hub.connect(ann)) {
            chat = a.ok("chat:create", p("type", "direct", "userId", bob)).at("/chat/id").asText();
            for (int i = 0; i < 5; i++) a.ok("message:new", p("chatId", chat, "text", "while away " + i));
        }
        try (NativeClient b = hub.connect(bob)) {
            JsonNode missed = b.ok("chat:history", p("chatId", chat, "after", lastSeen));
            List<Long> s = seqs(missed);
            assertThat(s).hasSize(5);
            for (int i = 0; i < s.size(); i++) assertThat(s.get(i)).isEqualTo(lastSeen + 1 + i);
            // bob was offline: each direct message left a notification, replayed on connect
            JsonNode n = b.event("notification:new");
            assertThat(n.path("type").asText()).isEqualTo("message");
            assertThat(n.at("/data/chatId").asText()).isEqualTo(chat);
            b.ok("notification:read", p("all", true));
            b.ok("chat:mute", p("chatId", chat, "muted", true));
        }
        // a muted chat leaves no message notification; a message in another chat, committed after it
        // (and so notified after it: notifications follow commit order), shows when the check is done
        String cat = "cat" + System.nanoTime();
        try (NativeClient a = hub.connect(ann); NativeClient c = hub.connect(cat)) {
            a.ok("message:new", p("chatId", chat, "text", "muted"));
            String other = c.ok("chat:create", p("type", "direct", "userId", bob)).at("/chat/id").asText();
            c.ok("message:new", p("chatId", other, "text", "not muted"));
        }
        try (NativeClient b = hub.connect(bob)) {
            JsonNode unread = null;
            for (int i = 0; i < 50; i++) { // bounded: until cat's notification is there
                unread = b.ok("notification:list", p("unreadOnly", true)).get("notifications");
                if (!unread.isEmpty()) break;
                Thread.sleep(100);
            }
            assertThat(unread).hasSize(1);
            assertThat(unread.at("/0/data/senderId").asText()).isEqualTo(cat);
            assertThat(b.ok("chat:get", p("chatId", chat)).at("/chat/muted").asBoolean()).isTrue();
        }
    }

    static void groupChat(ChatServer hub) {
        String ann = "gann" + System.nanoTime(), bob = "gbob" + System.nanoTime(), cat = "gcat" + System.nanoTime(), dan = "gdan" + System.nanoTime();
        try (NativeClient a = hub.connect(ann); NativeClient b = hub.connect(bob); NativeClient c = hub.connect(cat); NativeClient d = hub.connect(dan)) {
            JsonNode g = a.ok("chat:create", p("type", "group", "name", "Team", "members", List.of(bob, cat)));
            String chat = g.at("/chat/id").asText();
            assertThat(g.at("/chat/members")).hasSize(3);
            assertThat(b.event("chat:created").at("/chat/name").asText()).isEqualTo("Team");
            assertThat(b.event("notification:new").path("type").asText()).isEqualTo("chat:added");
            JsonNode sys = b.event("message:new");
            assertThat(sys.path("kind").asText()).isEqualTo("system");
            assertThat(sys.at("/system/type").asText()).isEqualTo("created");

            // members cannot manage; the owner adds, promotes, renames; an admin removes plain members
            assertThat(b.error("chat:members:add", p("chatId", chat, "userIds", List.of(dan))).path("code").asText()).isEqualTo("forbidden");
            a.ok("chat:members:add", p("chatId", chat, "userIds", List.of(dan)));
            assertThat(d.event("chat:created").at("/chat/id").asText()).isEqualTo(chat);
            assertThat(d.event("message:new").at("/system/type").asText()).isEqualTo("members_added");
            a.ok("chat:role", p("chatId", chat, "userId", bob, "role", "admin"));
            b.ok("chat:members:remove", p("chatId", chat, "userId", dan));
            assertThat(d.event("chat:removed").path("chatId").asText()).isEqualTo(chat);
            assertThat(d.error("message:new", p("chatId", chat, "text", "still here?")).path("code").asText()).isEqualTo("forbidden");
            a.ok("chat:update", p("chatId", chat, "name", "Team 2"));
            assertThat(c.take(f -> f.path("type").asText().equals("chat:updated") && f.at("/payload/chat/name").asText().equals("Team 2"))
                    .at("/payload/chat/members")).hasSize(3);

            // mentions notify; the owner transfers, then leaves
            c.ok("message:new", p("chatId", chat, "text", "@ann look", "mentions", List.of(ann)));
            assertThat(a.event("notification:new").path("type").asText()).isEqualTo("mention");
            assertThat(a.error("chat:leave", p("chatId", chat)).path("code").asText()).isEqualTo("forbidden");
            a.ok("chat:transfer", p("chatId", chat, "userId", bob));
            a.ok("chat:leave", p("chatId", chat));
            JsonNode after = b.ok("chat:get", p("chatId", chat));
            assertThat(after.at("/chat/ownerId").asText()).isEqualTo(bob);
            assertThat(after.at("/chat/members")).hasSize(2);

            // every member saw every message in sequence order, without a gap
            List<Long> seen = new ArrayList<>();
            for (JsonNode m : b.ok("chat:history", p("chatId", chat, "limit", 100)).get("messages")) seen.add(m.path("seq").asLong());
            for (int i = 0; i < seen.size(); i++) assertThat(seen.get(i)).isEqualTo(i + 1L);
        }
    }

    static long unread(NativeClient c, String chat) {
        for (JsonNode ch : c.ok("chat:list", p()).get("chats")) if (ch.path("id").asText().equals(chat)) return ch.path("unread").asLong();
        throw new AssertionError("chat not listed");
    }

    static List<Long> seqs(JsonNode page) {
        List<Long> out = new ArrayList<>();
        for (JsonNode m : page.get("messages")) out.add(m.path("seq").asLong());
        return out;
    }
}
