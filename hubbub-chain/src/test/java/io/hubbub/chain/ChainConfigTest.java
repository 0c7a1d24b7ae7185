package io.hubbub.chain;

import io.hubbub.server.config.ConfigException;
import io.hubbub.server.config.ConfigLoader;
import io.hubbub.server.config.DefaultsWriter;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.hubbub.server.testing.Frames.p;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The config section is discovered, documented and validated; a disabled feature leaves no trace. */
class ChainConfigTest {

    @Test
    void theSectionIsDocumentedAndValidated() {
        var loaded = new ConfigLoader().load();
        String yaml = DefaultsWriter.yaml(loaded.config());
        assertThat(yaml).contains("  chain:\n", "# Commitment at which transactions count: confirmed or finalized.", "commitment: \"finalized\"",
                "# env: HUBBUB_FEATURES_CHAIN_LEASE_TTL");
        assertThatThrownBy(() -> new ConfigLoader().set("features.chain.commitment", "processed").load())
                .isInstanceOf(ConfigException.class).hasMessageContaining("features.chain.commitment: must be confirmed or finalized");
        assertThatThrownBy(() -> new ConfigLoader().set("features.chain.programs", "not-an-address!").load())
                .isInstanceOf(ConfigException.class).hasMessageContaining("features.chain.programs");
        assertThatThrownBy(() -> new ConfigLoader().set("features.chain.wsUrls", "http://x").load())
                .isInstanceOf(ConfigException.class).hasMessageContaining("features.chain.wsUrls");
        assertThatThrownBy(() -> new ConfigLoader().set("features.chain.adapterPath", "/ws").load())
                .isInstanceOf(ConfigException.class).hasMessageContaining("features.chain.adapterPath");
        assertThat(yaml).contains("# env: HUBBUB_FEATURES_CHAIN_LIVE_BATCH_WAIT");
        assertThatThrownBy(() -> new ConfigLoader().set("features.chain.liveBatchWait", "6s").load())
                .isInstanceOf(ConfigException.class).hasMessageContaining("features.chain.liveBatchWait: must be 0..5s");
    }

    @Test
    void aDisabledFeatureIsInvisible() throws Exception {
        try (TestHubbub hub = TestHubbub.start(Map.of("features.chain.enabled", "false")); NativeClient ann = hub.connect("ann")) {
            assertThat(hub.server().node().eventTypes()).doesNotContain("chain:tx:submit", "chain:leaderboard");
            assertThat(ann.error("chain:tx:submit", p("room", "r", "signature", "x")).path("code").asText()).isEqualTo("unknown_event");
            assertThat(hub.server().httpApi().routes()).noneMatch(r -> r.contains("/api/chain") || r.contains("/api/ws/"));
            assertThat(hub.server().features().adapters()).isEmpty();
            List<String> tables = hub.server().database().withHandle(h -> h.createQuery(
                    "SELECT name FROM sqlite_master WHERE type = 'table'").mapTo(String.class).list());
            assertThat(tables).noneMatch(t -> t.startsWith("chain_") || t.equals("flyway_chain_history"));
            assertThat(ChainTesting.get(hub, "/stats").has("features")).isFalse();
        }
    }
}
