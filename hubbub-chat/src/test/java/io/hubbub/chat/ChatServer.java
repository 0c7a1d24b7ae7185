package io.hubbub.chat;

import io.hubbub.core.auth.Principal;
import io.hubbub.core.feature.Feature;
import io.hubbub.server.app.HubbubServer;
import io.hubbub.server.config.ConfigLoader;
import io.hubbub.server.config.HubbubConfig;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real server (127.0.0.1, free port) whose only feature is a {@link ChatFeature} with a clock the
 * test controls ({@link TestClock}); TestHubbub would add the ServiceLoader-found chat feature too.
 */
final class ChatServer implements AutoCloseable {
    final HubbubServer server;
    final TestClock clock;

    private ChatServer(HubbubServer server, TestClock clock) {
        this.server = server;
        this.clock = clock;
    }

    static ChatServer start(Map<String, String> overrides) {
        try {
            TestClock clock = new TestClock();
            Map<String, String> o = new LinkedHashMap<>();
            o.put("server.host", "127.0.0.1");
            o.put("server.port", "0");
            o.put("storage.dataDir", Files.createTempDirectory("hubbub-chat").toString());
            o.put("auth.apiKeys.test", TestHubbub.API_KEY);
            o.putAll(overrides);
            HubbubConfig config = new ConfigLoader().features(List.<Feature>of(new ChatFeature(clock))).overrides(o).load().config().resolved();
            return new ChatServer(HubbubServer.start(config), clock);
        } catch (Exception e) {
            throw new IllegalStateException("chat test server did not start", e);
        }
    }

    int port() {
        return server.port();
    }

    URI http(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    String token(String userId) {
        return server.jwt().issue(Principal.user(userId, userId)).token();
    }

    /** A connected client, after its session:welcome (so its user channel is subscribed, on every engine). */
    NativeClient connect(String userId) {
        NativeClient c = NativeClient.connect("ws://127.0.0.1:" + port() + "/ws?token=" + token(userId));
        c.event("session:welcome");
        return c;
    }

    @Override
    public void close() {
        server.close();
    }

    /** A clock that tests move forward. */
    static final class TestClock extends Clock {
        private final AtomicLong offset = new AtomicLong();

        void advance(Duration d) {
            offset.addAndGet(d.toMillis());
        }

        @Override public ZoneId getZone() { return ZoneOffset.UTC; }

        @Override public Clock withZone(ZoneId zone) { return this; }

        @Override public Instant instant() { return Instant.ofEpochMilli(millis()); }

        @Override public long millis() { return System.currentTimeMillis() + offset.get(); }
    }
}
