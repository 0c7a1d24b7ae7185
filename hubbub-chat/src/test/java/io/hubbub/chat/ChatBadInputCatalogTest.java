package io.hubbub.chat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.server.testing.NativeClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

import static io.hubbub.server.testing.Frames.p;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chat's bad-input catalog: every kind of bad request a client can make, each answered with its
 * documented error code; afterwards the chats, messages, members, friendships and notifications are
 * exactly as before (a refused request changes nothing), and the offender's connection still works.
 */
class ChatBadInputCatalogTest {
    static ChatServer hub;
    static NativeClient ann, bob, eve, flood;
    static String direct, group, annMsg, groupMsg, systemMsg, blockedDirect;

    @BeforeAll
    static void start() {
        hub = ChatServer.start(Map.of("features.chat.maxMembers", "4", "features.chat.maxTextLength", "50",
                "features.chat.sendsPerSecond", "1", "features.chat.sendBurst", "30"));
        ann = hub.connect("ann");
        bob = hub.connect("bob");
        eve = hub.connect("eve");
        flood = hub.connect("flood");
        direct = ann.ok("chat:create", p("type", "direct", "userId", "bob")).at("/chat/id").asText();
        group = ann.ok("chat:create", p("type", "group", "name", "G", "members", List.of("bob", "cat"))).at("/chat/id").asText();
        annMsg = ann.ok("message:new", p("chatId", direct, "text", "mine")).at("/message/id").asText();
        groupMsg = ann.ok("message:new", p("chatId", group, "text", "in the group")).at("/message/id").asText();
        systemMsg = ann.ok("chat:history", p("chatId", group, "after", 0, "limit", 1)).at("/messages/0/id").asText();
        blockedDirect = ann.ok("chat:create", p("type", "direct", "userId", "zed")).at("/chat/id").asText();
        bob.ok("friend:request", p("userId", "ann"));
        ann.ok("friend:block", p("userId", "zed"));
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    record Case(String name, Function<Void, NativeClient> who, String type, ObjectNode payload, String code) {}

    static Case c(String name, NativeClient who, String type, ObjectNode payload, String code) {
        return new Case(name, v -> who, type, payload, code);
    }

    static List<Case> catalog() {
        List<Case> c = new ArrayList<>();
        // payload shape
        c.add(c("message:new without chatId", ann, "message:new", p("text", "hi"), "bad_request"));
        c.add(c("message:new chatId not a string", ann, "message:new", p("chatId", 5, "text", "hi"), "bad_request"));
        c.add(c("message:new unknown field", ann, "message:new", p("chatId", direct, "text", "hi", "colour", "red"), "bad_request"));
        c.add(c("message:new text not a string", ann, "message:new", p("chatId", direct, "text", 42), "bad_request"));
        c.add(c("message:new empty text", ann, "message:new", p("chatId", direct, "text", ""), "bad_request"));
        c.add(c("message:new blank text", ann, "message:new", p("chatId", direct, "text", "   "), "bad_request"));
        c.add(c("message:new text over maxTextLength", ann, "message:new", p("chatId", direct, "text", "x".repeat(51)), "too_large"));
        c.add(c("message:new text with a NUL character", ann, "message:new", p("chatId", direct, "text", "a\u0000b"), "bad_request"));
        c.add(c("chat:create group name with a NUL character", ann, "chat:create", p("type", "group", "name", "x\u0000"), "bad_request"));
        c.add(c("message:new chatId with bad characters", ann, "message:new", p("chatId", "a b/c", "text", "hi"), "bad_request"));
        c.add(c("message:new attachment without url", ann, "message:new", p("chatId", direct, "text", "hi",
                "attachments", List.of(Map.of("mimeType", "image/png"))), "bad_request"));
        c.add(c("message:new attachment with a non-http url", ann, "message:new", p("chatId", direct, "text", "hi",
                "attachments", List.of(Map.of("url", "javascript:alert(1)", "mimeType", "text/html"))), "bad_request"));
        // who and where
        c.add(c("message:new into an unknown chat", ann, "message:new", p("chatId", "no-such-chat", "text", "hi"), "not_found"));
        c.add(c("message:new by a non-participant", eve, "message:new", p("chatId", direct, "text", "hi"), "forbidden"));
        c.add(c("message:new reply into another chat", ann, "message:new", p("chatId", direct, "text", "re", "replyTo", groupMsg), "bad_request"));
        c.add(c("message:new reply to an unknown message", ann, "message:new", p("chatId", direct, "text", "re", "replyTo", "nope"), "not_found"));
        c.add(c("message:new mentioning a non-member", ann, "message:new", p("chatId", direct, "text", "@eve", "mentions", List.of("eve")), "bad_request"));
        c.add(c("message:new to a blocked user's direct chat", ann, "message:new", p("chatId", blockedDirect, "text", "hi"), "forbidden"));
        c.add(c("message:edit of someone else's message", bob, "message:edit", p("messageId", annMsg, "text", "mine now"), "forbidden"));
        c.add(c("message:edit of a system message", ann, "message:edit", p("messageId", systemMsg, "text", "x"), "forbidden"));
        c.add(c("message:edit of an unknown message", ann, "message:edit", p("messageId", "nope", "text", "x"), "not_found"));
        c.add(c("message:edit with empty text", ann, "message:edit", p("messageId", annMsg, "text", " "), "bad_request"));
        c.add(c("message:delete by a non-participant", eve, "message:delete", p("messageId", annMsg), "forbidden"));
        c.add(c("message:react with an empty emoji", bob, "message:react", p("messageId", annMsg, "emoji", ""), "bad_request"));
        c.add(c("message:react by a non-participant", eve, "message:react", p("messageId", annMsg, "emoji", "👍"), "forbidden"));
        // chats and members
        c.add(c("chat:create with an unknown type", ann, "chat:create", p("type", "channel", "name", "x"), "bad_request"));
        c.add(c("chat:create direct with oneself", ann, "chat:create", p("type", "direct", "userId", "ann"), "bad_request"));
        c.add(c("chat:create direct without userId", ann, "chat:create", p("type", "direct"), "bad_request"));
        c.add(c("chat:create direct with a blocked user", ann, "chat:create", p("type", "direct", "userId", "zed"), "forbidden"));
        c.add(c("chat:create group without name", ann, "chat:create", p("type", "group", "members", List.of("bob")), "bad_request"));
        c.add(c("chat:create group over maxMembers", ann, "chat:create", p("type", "group", "name", "big",
                "members", List.of("u1", "u2", "u3", "u4")), "limit_exceeded"));
        c.add(c("chat:members:add to a direct chat", ann, "chat:members:add", p("chatId", direct, "userIds", List.of("cat")), "forbidden"));
        c.add(c("chat:members:add by a plain member", bob, "chat:members:add", p("chatId", group, "userIds", List.of("dan")), "forbidden"));
        c.add(c("chat:members:add beyond maxMembers", ann, "chat:members:add", p("chatId", group, "userIds", List.of("d1", "d2")), "limit_exceeded"));
        c.add(c("chat:members:add of an existing member", ann, "chat:members:add", p("chatId", group, "userIds", List.of("bob")), "conflict"));
        c.add(c("chat:members:add with an empty list", ann, "chat:members:add", p("chatId", group, "userIds", List.of()), "bad_request"));
        c.add(c("chat:members:remove of the owner", bob, "chat:members:remove", p("chatId", group, "userId", "ann"), "forbidden"));
        c.add(c("chat:members:remove of a non-member", ann, "chat:members:remove", p("chatId", group, "userId", "eve"), "not_found"));
        c.add(c("chat:leave of a direct chat", ann, "chat:leave", p("chatId", direct), "forbidden"));
        c.add(c("chat:leave by the owner", ann, "chat:leave", p("chatId", group), "forbidden"));
        c.add(c("chat:role by a member", bob, "chat:role", p("chatId", group, "userId", "cat", "role", "admin"), "forbidden"));
        c.add(c("chat:role to owner", ann, "chat:role", p("chatId", group, "userId", "bob", "role", "owner"), "bad_request"));
        c.add(c("chat:update with nothing", ann, "chat:update", p("chatId", group), "bad_request"));
        c.add(c("chat:get by a non-participant", eve, "chat:get", p("chatId", group), "forbidden"));
        c.add(c("chat:history with two anchors", ann, "chat:history", p("chatId", direct, "before", 5, "after", 1), "bad_request"));
        c.add(c("chat:history with a negative limit", ann, "chat:history", p("chatId", direct, "limit", -1), "bad_request"));
        c.add(c("chat:read beyond the last message", bob, "chat:read", p("chatId", direct, "seq", 999), "bad_request"));
        c.add(c("typing:start in a chat one is not in", eve, "typing:start", p("chatId", direct), "forbidden"));
        // friends and notifications
        c.add(c("friend:request to oneself", ann, "friend:request", p("userId", "ann"), "bad_request"));
        c.add(c("friend:request twice", bob, "friend:request", p("userId", "ann"), "conflict"));
        c.add(c("friend:request to someone who blocked you", hub.connect("zed"), "friend:request", p("userId", "ann"), "forbidden"));
        c.add(c("friend:accept without a request", eve, "friend:accept", p("userId", "ann"), "not_found"));
        c.add(c("friend:unblock of someone not blocked", ann, "friend:unblock", p("userId", "eve"), "not_found"));
        c.add(c("notification:read with neither id nor all", ann, "notification:read", p(), "bad_request"));
        c.add(c("notification:read of someone else's notification", eve, "notification:read", p("id", "not-mine"), "not_found"));
        return c;
    }

    @TestFactory
    Stream<DynamicTest> everyBadInputIsRefusedAndChangesNothing() {
        List<Case> cases = catalog();
        assertThat(cases).hasSizeGreaterThanOrEqualTo(30);
        JsonNode before = snapshot();
        List<DynamicTest> tests = new ArrayList<>();
        for (Case k : cases) tests.add(DynamicTest.dynamicTest(k.name(), () -> {
            NativeClient who = k.who().apply(null);
            JsonNode err = who.error(k.type(), k.payload());
            assertThat(err.path("code").asText()).as(err.toString()).isEqualTo(k.code());
            assertThat(err.path("message").asText()).isNotBlank();
            who.ok("chat:list", p()); // still usable
        }));
        tests.add(DynamicTest.dynamicTest("nothing changed", () -> assertThat(snapshot()).isEqualTo(before)));
        tests.add(DynamicTest.dynamicTest("flooding: sends over the per-user rate are refused", () -> {
            String chat = flood.ok("chat:create", p("type", "group", "name", "flood")).at("/chat/id").asText();
            int limited = 0;
            for (int i = 0; i < 40; i++) {
                JsonNode f = flood.request("message:new", p("chatId", chat, "text", "spam " + i));
                if (f.path("type").asText().equals("error")) {
                    assertThat(f.at("/payload/code").asText()).isEqualTo("rate_limited");
                    limited++;
                }
            }
            assertThat(limited).isGreaterThan(0);
        }));
        return tests.stream();
    }

    /** What a refused request must not change: chats, members, messages, friendships, notifications. */
    static JsonNode snapshot() {
        ObjectNode s = p();
        for (NativeClient c : List.of(ann, bob, eve)) {
            JsonNode chats = c.ok("chat:list", p()).get("chats");
            for (JsonNode ch : chats) {
                ((ObjectNode) ch).remove("updatedAt");
                String id = ch.path("id").asText();
                ((ObjectNode) ch).set("history", c.ok("chat:history", p("chatId", id, "limit", 100)).get("messages"));
                ((ObjectNode) ch).set("members", c.ok("chat:get", p("chatId", id)).at("/chat/members"));
            }
            ObjectNode u = s.putObject(c.toString());
            u.set("chats", chats);
            u.set("friends", c.ok("friend:list", p()));
            u.set("notifications", c.ok("notification:list", p()));
        }
        return s;
    }
}
