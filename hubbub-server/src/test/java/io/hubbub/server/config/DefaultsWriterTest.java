package io.hubbub.server.config;

import io.hubbub.core.config.Doc;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class DefaultsWriterTest {
    @TempDir
    Path dir;

    @Test
    void defaultsDocumentLoadsBackToTheDefaults() throws IOException {
        Path file = dir.resolve("defaults.yaml");
        Files.writeString(file, DefaultsWriter.yaml(HubbubConfig.defaults()));
        ConfigLoader.Loaded loaded = new ConfigLoader().file(file).load();
        assertThat(loaded.config()).isEqualTo(HubbubConfig.defaults());
        // Every leaf key is in the document, so every one was set explicitly by the file.
        assertThat(loaded.explicitKeys()).hasSameSizeAs(ConfigSchema.leaves(HubbubConfig.class));
    }

    @Test
    void aNonDefaultTreeRoundTripsToo() throws IOException {
        HubbubConfig custom = new ConfigLoader()
                .set("server.allowedOrigins", "https://a.example,https://b.example")
                .set("auth.apiKeys.ops", "quote\"and\\backslash-key-long")
                .set("logging.loggers.io.netty", "WARN")
                .set("rooms.defaultHistoryTtl", "1h30m")
                .set("server.maxFrameBytes", "1536")
                .set("server.host", "::1")
                .load().config();
        Path file = dir.resolve("custom.yaml");
        Files.writeString(file, DefaultsWriter.yaml(custom));
        assertThat(new ConfigLoader().file(file).load().config()).isEqualTo(custom);
    }

    @Test
    void everyFieldHasItsDocAndEnvironmentVariable() {
        String yaml = DefaultsWriter.yaml(HubbubConfig.defaults());
        for (ConfigSchema.Leaf leaf : ConfigSchema.leaves(HubbubConfig.class)) {
            Doc doc = leaf.component().getAnnotation(Doc.class);
            assertThat(doc).as(leaf.path()).isNotNull();
            assertThat(yaml).contains("# " + doc.value() + "\n").contains("# env: " + ConfigSchema.envName(leaf.path()) + "\n");
        }
        assertThat(yaml).contains("  port: 8080\n", "  maxFrameBytes: 64KiB\n", "  outboundQueueBytes: 4MiB\n",
                "  interval: 25s\n", "    uri: \"redis://127.0.0.1:6379\"\n", "  type: memory\n", "  level: INFO\n");
        assertThat(ConfigSchema.envName("engine.redis.uri")).isEqualTo("HUBBUB_ENGINE_REDIS_URI");
        assertThat(ConfigSchema.envName("auth.jwtSecret")).isEqualTo("HUBBUB_AUTH_JWT_SECRET");
    }

    @Test
    void environmentVariableNamesAreUnique() {
        Map<String, String> seen = new java.util.HashMap<>();
        for (ConfigSchema.Leaf leaf : ConfigSchema.leaves(HubbubConfig.class)) {
            String previous = seen.put(ConfigSchema.envName(leaf.path()), leaf.path());
            assertThat(previous).as("env name of " + leaf.path()).isNull();
        }
    }
}
