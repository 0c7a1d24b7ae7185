package io.hubbub.chat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.core.session.Session;
import io.hubbub.server.testing.NativeClient;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import static io.hubbub.server.testing.Frames.p;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Presence privacy (features.chat.presencePrivacy, on by default): presence:query and
 * presence:subscribe see friends and chat partners only, never across a block; a refused request
 * answers forbidden naming the refused ids and watches nobody; a block ends an existing watch.
 * With the flag off, the core's default (anyone sees anyone) stays.
 */
class PresencePrivacyTest {

    @Test
    void presenceIsVisibleToFriendsAndChatPartnersOnly() {
        try (ChatServer hub = ChatServer.start(Map.of());
             NativeClient ann = hub.connect("ann"); NativeClient bob = hub.connect("bob"); NativeClient cat = hub.connect("cat");
             NativeClient dan = hub.connect("dan"); NativeClient eve = hub.connect("eve")) {
            ann.ok("friend:request", p("userId", "bob"));
            bob.ok("friend:accept", p("userId", "ann"));
            ann.ok("chat:create", p("type", "group", "name", "Partners", "members", List.of("dan", "eve")));

            // a stranger is hidden, both ways, from a query and from a watch; the refused ids are named
            JsonNode refused = ann.error("presence:query", p("users", List.of("cat")));
            assertThat(refused.path("code").asText()).isEqualTo("forbidden");
            assertThat(refused.at("/details/users")).extracting(JsonNode::asText).containsExactly("cat");
            assertThat(cat.error("presence:subscribe", p("users", List.of("ann"))).path("code").asText()).isEqualTo("forbidden");
            // one hidden id refuses the whole request: the allowed eve is not watched either
            JsonNode mixed = ann.error("presence:subscribe", p("users", List.of("eve", "cat")));
            assertThat(mixed.at("/details/users")).extracting(JsonNode::asText).containsExactly("cat");
            assertThat(watched(hub, "ann")).doesNotContain("eve", "cat");

            // oneself, a friend and a chat partner are visible
            assertThat(ann.ok("presence:query", p("users", List.of("ann"))).at("/users/ann/online").asBoolean()).isTrue();
            JsonNode seen = ann.ok("presence:subscribe", p("users", List.of("bob", "dan")));
            assertThat(seen.at("/users/bob/online").asBoolean()).isTrue();
            assertThat(seen.at("/users/dan/online").asBoolean()).isTrue();
            assertThat(watched(hub, "ann")).contains("bob", "dan");

            // a block hides presence both ways and ends the watch that existed
            bob.ok("friend:block", p("userId", "ann"));
            assertThat(ann.error("presence:query", p("users", List.of("bob"))).path("code").asText()).isEqualTo("forbidden");
            assertThat(bob.error("presence:query", p("users", List.of("ann"))).path("code").asText()).isEqualTo("forbidden");
            assertThat(watched(hub, "ann")).doesNotContain("bob");

            // observed on the wire: bob and eve go offline first, then dan; the first offline push ann gets is dan's.
            // (Online pushes may come earlier: ann's connect replay, up to ConnectReplay.LINGER_MILLIS after her
            // welcome, announces the friends she has by then — bob, made a friend above — before the block.)
            bob.close();
            eve.close();
            awaitOffline(hub, "bob");
            awaitOffline(hub, "eve");
            dan.close();
            JsonNode next = ann.take(f -> "presence:user".equals(f.path("type").asText())
                    && !f.at("/payload/online").asBoolean(true)).get("payload");
            assertThat(next.path("user").asText()).isEqualTo("dan");
            assertThat(ann.pending()).as("nothing of bob after the block").noneMatch(f -> "presence:user".equals(f.path("type").asText())
                    && "bob".equals(f.at("/payload/user").asText()) && !f.at("/payload/online").asBoolean(true));
        }
    }

    /**
     * The connect replay reads a user's friends, then watches them: a block that commits in between (its
     * own unwatch finds no watch yet) must not leave the blocked friend watched or announced. The seam
     * runs bob's block right after the replay of ann's new connection read her friends.
     */
    @Test
    void aBlockBetweenTheConnectReplaysReadAndItsWatchesLeavesNoWatch() {
        try (ChatServer hub = ChatServer.start(Map.of());
             NativeClient ann = hub.connect("ann"); NativeClient bob = hub.connect("bob"); NativeClient cat = hub.connect("cat")) {
            ann.ok("friend:request", p("userId", "bob"));
            bob.ok("friend:accept", p("userId", "ann"));
            ann.ok("friend:request", p("userId", "cat"));
            cat.ok("friend:accept", p("userId", "ann"));
            java.util.concurrent.atomic.AtomicBoolean blocked = new java.util.concurrent.atomic.AtomicBoolean();
            ConnectReplay.afterFriendsRead = friends -> {
                if (friends.getOrDefault("ann", List.of()).contains("bob") && blocked.compareAndSet(false, true))
                    bob.ok("friend:block", p("userId", "ann"));
            };
            try (NativeClient ann2 = hub.connect("ann")) {
                // cat is announced by the same step that drops what may no longer be watched
                JsonNode catOnline = ann2.take(f -> "presence:user".equals(f.path("type").asText())
                        && "cat".equals(f.at("/payload/user").asText())).get("payload");
                assertThat(catOnline.path("online").asBoolean()).isTrue();
                assertThat(blocked).as("the block ran inside the replay's window").isTrue();
                assertThat(ann2.pending()).as("bob is not announced to ann after his block")
                        .noneMatch(f -> "presence:user".equals(f.path("type").asText()) && "bob".equals(f.at("/payload/user").asText()));
                for (Session s : hub.server.node().sessions())
                    if (s.userId().equals("ann"))
                        assertThat(CompletableFuture.supplyAsync(() -> Set.copyOf(s.watched()), s.executor()).join())
                                .as("no connection of ann watches bob").doesNotContain("bob");
            } finally {
                ConnectReplay.afterFriendsRead = null;
            }
        }
    }

    @Test
    void withPrivacyOffAnyoneSeesAnyone() {
        try (ChatServer hub = ChatServer.start(Map.of("features.chat.presencePrivacy", "false"));
             NativeClient ann = hub.connect("ann"); NativeClient cat = hub.connect("cat")) {
            assertThat(ann.ok("presence:subscribe", p("users", List.of("cat"))).at("/users/cat/online").asBoolean()).isTrue();
        }
    }

    /** The users the (single) connection of {@code user} watches, read on its executor. */
    private static Set<String> watched(ChatServer hub, String user) {
        for (Session s : hub.server.node().sessions())
            if (s.userId().equals(user)) return CompletableFuture.supplyAsync(() -> Set.copyOf(s.watched()), s.executor()).join();
        throw new AssertionError("no connection of " + user);
    }

    /** Bounded wait until the server no longer counts {@code user} online (its disconnect was processed). */
    private static void awaitOffline(ChatServer hub, String user) {
        for (int i = 0; i < 500; i++) {
            if (!hub.server.node().presence().query(List.of(user)).join().path(user).path("online").asBoolean()) return;
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
        throw new AssertionError(user + " still online");
    }
}
