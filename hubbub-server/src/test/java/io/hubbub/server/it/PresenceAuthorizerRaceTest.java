package io.hubbub.server.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.core.api.PresenceAuthorizer;
import io.hubbub.core.config.Doc;
import io.hubbub.core.feature.Feature;
import io.hubbub.core.feature.FeatureContext;
import io.hubbub.core.feature.FeatureSettings;
import io.hubbub.core.session.Session;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import static io.hubbub.server.testing.Frames.p;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code presence:subscribe} with a {@link PresenceAuthorizer} (the public API an application uses for
 * presence privacy): the authorizer is asked again once the watches exist, so a relation that ends
 * between the first answer and the watches (a block racing the subscribe) leaves no watch behind and the
 * request is refused as if the block had come first.
 */
class PresenceAuthorizerRaceTest {

    /** Allows the first question about bob, refuses every later one (bob blocked ann in between). */
    public static final class BlockAfterFirstCheck implements Feature {
        final AtomicInteger asked = new AtomicInteger();

        public record Settings(@Doc("Install the test authorizer.") boolean enabled) implements FeatureSettings {}

        @Override public String name() { return "blockrace"; }
        @Override public String description() { return "test: an authorizer whose answer changes after the first check"; }
        @Override public FeatureSettings defaults() { return new Settings(true); }

        @Override
        public void install(FeatureContext ctx) {
            PresenceAuthorizer a = (watcher, ids) -> CompletableFuture.completedFuture(
                    ids.contains("bob") && asked.incrementAndGet() > 1 ? Set.of("bob") : Set.of());
            ctx.api().authorizePresence(a);
        }
    }

    @Test
    void aRelationEndingBetweenCheckAndWatchLeavesNoWatch() {
        BlockAfterFirstCheck feature = new BlockAfterFirstCheck();
        try (TestHubbub hub = TestHubbub.start(Map.of(), feature);
             NativeClient ann = hub.connect("ann"); NativeClient bob = hub.connect("bob"); NativeClient cat = hub.connect("cat")) {
            JsonNode refused = ann.error("presence:subscribe", p("users", List.of("cat", "bob")));
            assertThat(refused.path("code").asText()).isEqualTo("forbidden");
            assertThat(refused.at("/details/users")).extracting(JsonNode::asText).containsExactly("bob");
            assertThat(feature.asked.get()).as("asked before and after the watches").isEqualTo(2);
            assertThat(watched(hub, "ann")).as("a refused subscribe watches nobody, not even the allowed cat").isEmpty();

            // nothing of bob reaches ann afterwards
            bob.close();
            cat.close();
            assertThat(ann.sees(f -> "presence:user".equals(f.path("type").asText()), 500)).isFalse();

            // without a change in between, the same request watches both (and the check runs twice)
            NativeClient dan = hub.connect("dan");
            assertThat(dan.ok("presence:subscribe", p("users", List.of("cat"))).at("/users/cat/online").asBoolean()).isFalse();
            assertThat(watched(hub, "dan")).containsExactly("cat");
            dan.close();
        }
    }

    private static Set<String> watched(TestHubbub hub, String user) {
        for (Session s : hub.server().node().sessions())
            if (s.userId().equals(user)) return CompletableFuture.supplyAsync(() -> Set.copyOf(s.watched()), s.executor()).join();
        throw new AssertionError("no connection of " + user);
    }
}
