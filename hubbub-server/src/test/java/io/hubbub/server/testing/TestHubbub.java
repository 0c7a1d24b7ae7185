package io.hubbub.server.testing;

import io.hubbub.core.feature.Feature;
import io.hubbub.server.app.HubbubServer;
import io.hubbub.server.config.ConfigLoader;
import io.hubbub.server.config.HubbubConfig;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A real Hubbub server for integration tests: 127.0.0.1, a free port, a fresh data directory (SQLite)
 * unless a JDBC URL is given, and any configuration overrides as dotted keys ("limits.framesPerSecond").
 */
public final class TestHubbub implements AutoCloseable {
    public static final String API_KEY = "test-api-key-0123456789abcdef";

    private final HubbubServer server;
    private final Path dataDir;

    private TestHubbub(HubbubServer server, Path dataDir) {
        this.server = server;
        this.dataDir = dataDir;
    }

    public static TestHubbub start() {
        return start(Map.of());
    }

    public static TestHubbub start(Map<String, String> overrides) {
        try {
            return start(Files.createTempDirectory("hubbub-test"), overrides);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts with features besides the built-in ones (e.g. the example feature). */
    public static TestHubbub start(Map<String, String> overrides, Feature... extraFeatures) {
        try {
            return start(Files.createTempDirectory("hubbub-test"), overrides, extraFeatures);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts on an existing data directory (restart tests). */
    public static TestHubbub start(Path dataDir, Map<String, String> overrides, Feature... extraFeatures) {
        Map<String, String> o = new LinkedHashMap<>();
        o.put("server.host", "127.0.0.1");
        o.put("server.port", "0");
        o.put("storage.dataDir", dataDir.toString());
        o.put("auth.apiKeys.test", API_KEY);
        o.put("auth.attemptsPerSecond", "1000"); // tests sign in many times from one address
        o.put("auth.attemptBurst", "1000");
        o.putAll(overrides);
        ConfigLoader loader = new ConfigLoader().overrides(o);
        for (Feature f : extraFeatures) loader.addFeature(f);
        HubbubConfig config = loader.load().config().resolved();
        try {
            return new TestHubbub(HubbubServer.start(config), dataDir);
        } catch (Exception e) {
            throw new IllegalStateException("test server did not start", e);
        }
    }

    public HubbubServer server() {
        return server;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** The current value of one Prometheus series of this server (name plus labels, as scraped), or 0 if absent. */
    public double metric(String series) {
        for (String line : server().metrics().scrape().split("\n")) {
            if (line.startsWith(series + " ")) return Double.parseDouble(line.substring(series.length() + 1).trim());
        }
        return 0;
    }

    public int port() {
        return server.port();
    }

    public URI http(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    public String wsUrl() {
        return "ws://127.0.0.1:" + port() + "/ws";
    }

    /** A token for a user (created only in the token, not in the database). */
    public String token(String userId) {
        return server.jwt().issue(io.hubbub.core.auth.Principal.user(userId, userId)).token();
    }

    public String adminToken(String userId) {
        return server.jwt().issue(new io.hubbub.core.auth.Principal(userId, userId, io.hubbub.core.auth.Role.ADMIN, null, 0)).token();
    }

    /** A connected, authenticated native client for {@code userId}. */
    public NativeClient connect(String userId) {
        return NativeClient.connect(wsUrl() + "?token=" + token(userId));
    }

    @Override
    public void close() {
        server.close();
    }
}
