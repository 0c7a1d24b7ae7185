package io.hubbub.server.config;

import io.hubbub.core.config.ByteSize;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    private static List<String> problems(ConfigLoader loader) {
        try {
            loader.load();
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("expected a ConfigException");
    }

    @Test
    void noLayersGivesTheDefaults() {
        ConfigLoader.Loaded loaded = new ConfigLoader().load();
        assertThat(loaded.config()).isEqualTo(HubbubConfig.defaults());
        assertThat(loaded.explicitKeys()).isEmpty();
    }

    @Test
    void fileThenEnvironmentThenCommandLine() throws IOException {
        Path file = write("hubbub.yaml", """
                server:
                  port: 7000
                  host: 127.0.0.1
                  wsPath: /file
                limits:
                  perIp: 11
                heartbeat:
                  interval: 10s
                """);
        Map<String, String> env = Map.of("HUBBUB_SERVER_PORT", "7001", "HUBBUB_SERVER_WS_PATH", "/env");
        HubbubConfig c = new ConfigLoader().file(file).env(env).set("server.port", "7002").load().config();
        assertThat(c.server().port()).isEqualTo(7002);          // CLI beats env and file
        assertThat(c.server().wsPath()).isEqualTo("/env");      // env beats file
        assertThat(c.server().host()).isEqualTo("127.0.0.1");   // file beats defaults
        assertThat(c.limits().perIp()).isEqualTo(11);
        assertThat(c.heartbeat().interval()).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.heartbeat().timeout()).isEqualTo(Duration.ofSeconds(60)); // untouched default

        // The builder call order does not change the precedence.
        HubbubConfig reversed = new ConfigLoader().set("server.port", "7002").env(env).file(file).load().config();
        assertThat(reversed).isEqualTo(c);
    }

    @Test
    void jsonFilesAndNestedEnvironmentKeys() throws IOException {
        Path file = write("hubbub.json", """
                {"engine": {"type": "redis", "redis": {"uri": "redis://file:6379", "prefix": "fromfile"}},
                 "auth": {"apiKeys": {"billing": "0123456789abcdef-billing"}}}""");
        Map<String, String> env = Map.of(
                "HUBBUB_ENGINE_REDIS_URI", "redis://env:6380",
                "HUBBUB_AUTH_JWT_SECRET", "x".repeat(40),
                "HUBBUB_SERVER_ALLOWED_ORIGINS", "https://a.example, https://b.example",
                "HUBBUB_LOGGING_LOGGERS", "io.netty=WARN,io.hubbub=DEBUG",
                "HUBBUB_SERVER_MAX_FRAME_BYTES", "128KiB");
        HubbubConfig c = new ConfigLoader().file(file).env(env).load().config();
        assertThat(c.engine().type()).isEqualTo(EngineConfig.Type.REDIS);
        assertThat(c.engine().redis().uri()).isEqualTo("redis://env:6380");
        assertThat(c.engine().redis().prefix()).isEqualTo("fromfile");
        assertThat(c.auth().jwtSecret()).isEqualTo("x".repeat(40));
        assertThat(c.auth().apiKeys()).containsExactly(Map.entry("billing", "0123456789abcdef-billing"));
        assertThat(c.server().allowedOrigins()).containsExactly("https://a.example", "https://b.example");
        assertThat(c.logging().loggers()).containsOnly(Map.entry("io.netty", "WARN"), Map.entry("io.hubbub", "DEBUG"));
        assertThat(c.server().maxFrameBytes()).isEqualTo(ByteSize.ofKiB(128));
    }

    @Test
    void commandLineKeysReachIntoMapsAndIgnoreCaseAndDashes() {
        HubbubConfig c = new ConfigLoader()
                .set("logging.loggers.io.netty.handler", "debug")
                .set("server.max-frame-bytes", "1MiB")
                .set("LIMITS.frames_per_second", "70")
                .set("limits.frameBurst", "140")
                .set("server.allowedOrigins", "*")
                .set("auth.allow-guests", "yes")
                .load().config();
        assertThat(c.logging().loggers()).containsEntry("io.netty.handler", "debug");
        assertThat(c.server().maxFrameBytes()).isEqualTo(ByteSize.ofMiB(1));
        assertThat(c.limits().framesPerSecond()).isEqualTo(70);
        assertThat(c.server().allowedOrigins()).containsExactly("*");
        assertThat(c.auth().allowGuests()).isTrue();
    }

    @Test
    void unknownKeysInAFileAreErrorsNamingTheKey() throws IOException {
        Path file = write("bad.yaml", """
                server:
                  prot: 9000
                  compression:
                    enabeld: true
                nosuchsection:
                  x: 1
                """);
        List<String> problems = problems(new ConfigLoader().file(file));
        assertThat(problems).hasSize(3);
        assertThat(problems.get(0)).contains("unknown key 'server.prot'").contains("did you mean 'server.port'").contains("bad.yaml");
        assertThat(problems.get(1)).contains("unknown key 'server.compression.enabeld'").contains("server.compression.enabled");
        assertThat(problems.get(2)).contains("unknown key 'nosuchsection'");
    }

    @Test
    void unknownCommandLineKeysAreErrorsAndUnknownEnvironmentVariablesWarnings() {
        assertThat(problems(new ConfigLoader().set("rooms.historySize", "5")))
                .singleElement().asString().contains("unknown key 'rooms.historySize'").contains("command-line override rooms.historySize");
        assertThat(problems(new ConfigLoader().set("server", "5")))
                .singleElement().asString().contains("'server'").contains("is a section");

        ConfigLoader.Loaded loaded = new ConfigLoader()
                .env(Map.of("HUBBUB_SERVER_PROT", "1", "HUBBUB_JAVA_OPTS", "-Xmx1g", "PATH", "/bin")).load();
        assertThat(loaded.warnings()).singleElement().asString()
                .contains("HUBBUB_SERVER_PROT").contains("HUBBUB_SERVER_PORT");
    }

    @Test
    void badValuesNameTheKeyTheExpectationAndTheSource() throws IOException {
        Path file = write("types.yaml", """
                server:
                  port: eighty
                  allowedOrigins: {a: 1}
                heartbeat:
                  interval: 25
                logging:
                  format: xml
                """);
        List<String> problems = problems(new ConfigLoader().file(file).env(Map.of("HUBBUB_METRICS_ENABLED", "maybe")));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("server.port: expected a whole number, got 'eighty'").contains("types.yaml"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("server.allowedOrigins: expected a list"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("heartbeat.interval: a duration needs a unit"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("logging.format: must be one of text|json, got 'xml'"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("metrics.enabled: expected true or false, got 'maybe'")
                .contains("env HUBBUB_METRICS_ENABLED"));
        assertThat(problems).hasSize(5);
    }

    @Test
    void unreadableFilesAreClearErrors() throws IOException {
        assertThat(problems(new ConfigLoader().file(dir.resolve("missing.yaml"))))
                .singleElement().asString().contains("missing.yaml").contains("does not exist");
        assertThat(problems(new ConfigLoader().file(write("hubbub.toml", "x = 1"))))
                .singleElement().asString().contains("unsupported extension");
        assertThat(problems(new ConfigLoader().file(write("broken.yaml", "server:\n  port: [1,\n"))))
                .singleElement().asString().contains("invalid YAML at line");
        assertThat(problems(new ConfigLoader().file(write("dup.yaml", "server:\n  port: 1\n  port: 2\n"))))
                .singleElement().asString().contains("port");
        assertThat(problems(new ConfigLoader().file(write("list.yaml", "- a\n- b\n"))))
                .singleElement().asString().contains("top level must be a mapping");
        assertThat(new ConfigLoader().file(write("empty.yaml", "# nothing\n")).load().config()).isEqualTo(HubbubConfig.defaults());
    }

    @Test
    void profileFileIsLayeredOverTheMainFile() throws IOException {
        Path main = write("hubbub.yaml", "server:\n  port: 7000\n  host: 127.0.0.1\n");
        write("hubbub-staging.yml", "server:\n  port: 7100\n");
        Path profile = ConfigLoader.profileFile(main, "staging");
        HubbubConfig c = new ConfigLoader().file(main).file(profile).load().config();
        assertThat(c.server().port()).isEqualTo(7100);
        assertThat(c.server().host()).isEqualTo("127.0.0.1");
        assertThatThrownBy(() -> ConfigLoader.profileFile(main, "nope")).isInstanceOf(ConfigException.class)
                .hasMessageContaining("hubbub-nope.yaml");
        assertThatThrownBy(() -> ConfigLoader.profileFile(main, "../etc")).isInstanceOf(ConfigException.class);
    }

    @Test
    void explicitKeysAreTracked() throws IOException {
        Path file = write("e.yaml", "auth:\n  allowGuests: false\n");
        ConfigLoader.Loaded loaded = new ConfigLoader().file(file).env(Map.of("HUBBUB_LIMITS_PER_IP", "5")).set("rooms.idleAfter", "1m").load();
        assertThat(loaded.explicitKeys()).containsExactlyInAnyOrder("auth.allowGuests", "limits.perIp", "rooms.idleAfter");
    }

    @Test
    void resolvedFillsDerivedValuesAndToStringHidesSecrets() {
        HubbubConfig c = new ConfigLoader().set("server.host", "10.0.0.5").set("server.port", "9000")
                .set("storage.dataDir", "/var/lib/hubbub").set("auth.apiKeys.ops", "very-secret-api-key-123").load().config();
        HubbubConfig r = c.resolved();
        assertThat(r.server().publicUrl()).isEqualTo("http://10.0.0.5:9000");
        assertThat(r.engine().nodeId()).matches("node-[0-9a-f]{8}");
        assertThat(r.storage().jdbcUrl()).isEqualTo("jdbc:sqlite:" + Path.of("/var/lib/hubbub", "hubbub.db"));
        assertThat(HubbubConfig.defaults().server().effectivePublicUrl()).isEqualTo("http://localhost:8080");
        assertThat(c.toString()).doesNotContain(AuthConfig.DEV_JWT_SECRET).doesNotContain("very-secret-api-key-123").contains("ops");
        assertThat(c.summary()).doesNotContain(AuthConfig.DEV_JWT_SECRET);
    }
}
