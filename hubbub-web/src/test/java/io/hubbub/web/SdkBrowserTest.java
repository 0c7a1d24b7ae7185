package io.hubbub.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.client.HubbubClient;
import io.hubbub.client.ReconnectPolicy;
import io.hubbub.core.feature.Feature;
import io.hubbub.core.feature.FeatureContext;
import io.hubbub.core.feature.FeatureSettings;
import io.hubbub.core.session.CloseReason;
import io.hubbub.core.session.Session;
import io.hubbub.server.testing.HeadlessChromium;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JavaScript SDK (/sdk/hubbub.js) in headless Chromium against a real server: a page of this test
 * (src/test/resources/web-test, served by a test feature through the same assets SPI) connects with the SDK,
 * a Java client (hubbub-client) publishes, and the server drops the browser's connection.
 */
class SdkBrowserTest {
    private static TestHubbub hub;
    private static HeadlessChromium chromium;

    /** Serves the test pages at /sdktest, beside the web feature's /sdk. */
    public static final class TestPages implements Feature {
        public record Settings(boolean enabled) implements FeatureSettings {}

        @Override public String name() { return "sdktest"; }

        @Override public String description() { return "SDK test pages"; }

        @Override public FeatureSettings defaults() { return new Settings(true); }

        @Override public void install(FeatureContext ctx) { ctx.assets("/sdktest", "web-test"); }
    }

    @BeforeAll
    static void start() throws Exception {
        HeadlessChromium.assumeInstalled("SdkBrowserTest");
        hub = TestHubbub.start(Map.of(), new TestPages());
        chromium = HeadlessChromium.start();
    }

    @AfterAll
    static void stop() {
        if (chromium != null) chromium.close();
        if (hub != null) hub.close();
    }

    static HubbubClient javaClient(String user) throws Exception {
        return javaClient(hub, user);
    }

    /** A connected Java client of {@code hub} for {@code user} (reconnecting quickly). */
    static HubbubClient javaClient(TestHubbub hub, String user) throws Exception {
        HubbubClient c = HubbubClient.builder("http://127.0.0.1:" + hub.port()).token(hub.token(user))
                .reconnect(ReconnectPolicy.exponential(Duration.ofMillis(100), Duration.ofMillis(400))).build();
        c.connect().get(10, TimeUnit.SECONDS);
        return c;
    }

    String page(String user, String room, String auth) {
        return "http://127.0.0.1:" + hub.port() + "/sdktest/sdk.html?token=" + URLEncoder.encode(hub.token(user), StandardCharsets.UTF_8)
                + (room == null ? "" : "&room=" + room) + (auth == null ? "" : "&auth=" + auth);
    }

    @Test
    void aDroppedBrowserReconnectsAndGetsEverythingPublishedMeanwhileOnceInOrder() throws Exception {
        String room = "sdk-rec-" + System.nanoTime();
        try (HubbubClient pub = javaClient("sdk-pub")) {
            pub.createRoom(Map.of("room", room, "name", "SDK recovery")).get(5, TimeUnit.SECONDS);
            List<String> fromBrowser = new CopyOnWriteArrayList<>();
            pub.on("message:new", m -> { if (m.path("from").path("id").asText().equals("sdk-sub")) fromBrowser.add(m.path("data").path("text").asText()); });
            String w = chromium.newSession();
            try {
                chromium.open(w, page("sdk-sub", room, null));
                waitFor(w, "return window.t && window.t.joined", "the page joined");
                List<String> expected = new ArrayList<>();
                for (int i = 1; i <= 5; i++) expected.add(publish(pub, room, "m" + i));
                waitFor(w, "return window.t.log.length >= 5", "the first five messages");
                // the same message delivered again (as an overlapping replay would) reaches the application once
                chromium.script(w, "window.t.replay(f => f.type === 'message:new' && f.payload.data.text === 'm3'); return true");
                chromium.script(w, "window.t.replay(f => f.type === 'message:new' && f.payload.data.text === 'm5'); return true");
                assertThat(chromium.script(w, "return window.t.log.join()").asText()).isEqualTo("m1,m2,m3,m4,m5");

                // the server drops the browser as it would a dead connection (4009): it must come back by itself
                List<Session> sessions = List.copyOf(hub.server().node().sessionsOf("sdk-sub"));
                assertThat(sessions).hasSize(1);
                sessions.getFirst().transport().close(CloseReason.HEARTBEAT_TIMEOUT);
                waitFor(w, "return window.t.states.includes('reconnecting')", "the page noticed the drop");
                // sent while offline: queued, then published once after the reconnect
                chromium.script(w, "window.t.hub.publish('" + room + "', {text: 'from the browser'}).then(r => window.t.sent = r.offset); return true");
                for (int i = 6; i <= 15; i++) expected.add(publish(pub, room, "m" + i));
                waitFor(w, "return window.t.welcomes === 2 && window.t.states.at(-1) === 'connected'", "the page reconnected");
                waitFor(w, "return window.t.sent > 0", "the queued publish was answered");
                // a last message after everything: whatever was duplicated would have arrived before it
                expected.add(publish(pub, room, "last"));
                waitFor(w, "return window.t.log.includes('last')", "the last message");

                JsonNode log = chromium.script(w, "return window.t.log");
                List<String> got = new ArrayList<>();
                log.forEach(n -> got.add(n.asText()));
                got.remove("from the browser"); // the page's own message comes back to it too; its place depends on timing
                assertThat(got).as("every message once, in order").containsExactlyElementsOf(expected);
                assertThat(chromium.script(w, "return window.t.log.filter(x => x === 'from the browser').length").asInt()).isEqualTo(1);
                JsonNode offsets = chromium.script(w, "return window.t.offsets");
                for (int i = 1; i < offsets.size(); i++) assertThat(offsets.get(i).asLong()).isEqualTo(offsets.get(i - 1).asLong() + 1);
                JsonNode recoveries = chromium.script(w, "return window.t.recoveries");
                assertThat(recoveries).hasSize(1);
                assertThat(recoveries.get(0).path("room").asText()).isEqualTo(room);
                assertThat(recoveries.get(0).path("recovered").asBoolean()).isTrue();
                await(() -> fromBrowser.size() == 1, "the Java client got the browser's message");
                assertThat(fromBrowser).containsExactly("from the browser");
            } finally {
                chromium.closeSession(w);
            }
        }
    }

    @Test
    void aPublishWhoseAnswerWasLostIsSentAgainAndPublishedOnce() throws Exception {
        String room = "sdk-retry-" + System.nanoTime();
        try (HubbubClient watcher = javaClient("sdk-watch")) {
            watcher.createRoom(Map.of("room", room, "name", "SDK retry")).get(5, TimeUnit.SECONDS);
            List<Long> seen = new CopyOnWriteArrayList<>();
            List<String> all = new CopyOnWriteArrayList<>();
            watcher.on("message:new", m -> {
                all.add(m.path("data").path("text").asText());
                if (m.path("data").path("text").asText().equals("once")) seen.add(m.path("offset").asLong());
            });
            String w = chromium.newSession();
            try {
                chromium.open(w, page("sdk-retry", room, null));
                waitFor(w, "return window.t && window.t.joined", "the page joined");
                // the server publishes, but its answer never reaches the SDK; then the connection drops
                chromium.script(w, "window.t.swallow = f => f.type === 'reply' && f.payload && f.payload.offset !== undefined; "
                        + "window.t.hub.publish('" + room + "', {text: 'once'}).then(r => window.t.sent = r.offset, e => window.t.sent = e.code); return true");
                await(() -> seen.size() == 1, "the server published it");
                assertThat(chromium.script(w, "return window.t.sent === undefined").asBoolean()).as("the answer was lost").isTrue();
                chromium.script(w, "window.t.swallow = null; return true");
                for (Session s : List.copyOf(hub.server().node().sessionsOf("sdk-retry"))) s.transport().close(CloseReason.HEARTBEAT_TIMEOUT);

                waitFor(w, "return window.t.sent !== undefined", "the publish was answered after the reconnect");
                assertThat(chromium.script(w, "return window.t.sent").asLong()).as("the original offset").isEqualTo(seen.getFirst());
                assertThat(chromium.script(w, "return window.t.welcomes").asInt()).isEqualTo(2);
                publish(watcher, room, "after");
                waitFor(w, "return window.t.log.includes('after')", "a later message");
                await(() -> all.contains("after"), "the watcher got the later message");
                assertThat(all).as("published once").containsExactly("once", "after");
                assertThat(chromium.script(w, "return window.t.log.join()").asText()).isEqualTo("once,after");
            } finally {
                chromium.closeSession(w);
            }
        }
    }

    @Test
    void aSubscribedTopicIsRestoredWithEverythingPublishedMeanwhile() throws Exception {
        String topic = "sdk.topic." + System.nanoTime();
        String w = chromium.newSession();
        try {
            chromium.open(w, page("sdk-topic", null, null));
            waitFor(w, "return window.t && window.t.joined", "the page connected");
            chromium.script(w, "window.t.hub.subscribe('" + topic + "').then(() => window.t.subscribed = true); return true");
            waitFor(w, "return window.t.subscribed === true", "subscribed");
            for (int i = 1; i <= 3; i++) publishToTopic(topic, "t" + i);
            waitFor(w, "return window.t.topicLog.length === 3", "the first three topic messages");
            for (Session s : List.copyOf(hub.server().node().sessionsOf("sdk-topic"))) s.transport().close(CloseReason.HEARTBEAT_TIMEOUT);
            for (int i = 4; i <= 8; i++) publishToTopic(topic, "t" + i);
            waitFor(w, "return window.t.welcomes === 2 && window.t.states.at(-1) === 'connected'", "the page reconnected");
            publishToTopic(topic, "t9");
            waitFor(w, "return window.t.topicLog.includes('t9')", "the last topic message");
            assertThat(chromium.script(w, "return window.t.topicLog.join()").asText()).isEqualTo("t1,t2,t3,t4,t5,t6,t7,t8,t9");
            assertThat(chromium.script(w, "return JSON.stringify(window.t.recoveries)").asText())
                    .isEqualTo("[{\"topic\":\"" + topic + "\",\"recovered\":true}]");
        } finally {
            chromium.closeSession(w);
        }
    }

    private static void publishToTopic(String topic, String n) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(hub.http("/api/publish"))
                .header("X-Api-Key", TestHubbub.API_KEY).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"topic\":\"" + topic + "\",\"data\":{\"n\":\"" + n + "\"}}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }

    @Test
    void refusedActionsCarryTheServersErrorCode() throws Exception {
        String room = "sdk-err-" + System.nanoTime();
        try (HubbubClient owner = javaClient("sdk-owner")) {
            owner.createRoom(Map.of("room", room, "name", "Owned")).get(5, TimeUnit.SECONDS);
            String w = chromium.newSession();
            try {
                chromium.open(w, page("sdk-err", room, "query"));
                waitFor(w, "return window.t && window.t.joined", "the page joined (token in the query)");
                assertThat(code(w, "window.t.hub.join('no-such-room-" + System.nanoTime() + "')")).isEqualTo("not_found");
                assertThat(code(w, "window.t.hub.request('room:close', {room: '" + room + "'})")).isEqualTo("forbidden");
                assertThat(code(w, "window.t.hub.publish('not-joined', {text: 'x'})")).isEqualTo("not_found");
                assertThat(code(w, "window.t.hub.request('no:such-event', {})")).isEqualTo("unknown_event");
                assertThat(code(w, "window.t.hub.request('room:create', {room: 'bad room id!', name: 'x'})")).isEqualTo("bad_request");
                assertThat(chromium.script(w, "return window.t.hub.state").asText()).isEqualTo("connected");
            } finally {
                chromium.closeSession(w);
            }
        }
    }

    @Test
    void anInvalidTokenAndAnAdministratorsDisconnectAreFinal() throws Exception {
        String w = chromium.newSession();
        try {
            chromium.open(w, "http://127.0.0.1:" + hub.port() + "/sdktest/sdk.html?token=not-a-token");
            waitFor(w, "return window.t && window.t.failure !== null", "the connect failed");
            assertThat(chromium.script(w, "return window.t.failure").asText()).startsWith("unauthorized");
            assertThat(chromium.script(w, "return window.t.hub.state").asText()).isEqualTo("closed");

            chromium.open(w, page("sdk-kicked", null, null));
            waitFor(w, "return window.t && window.t.joined", "the page connected");
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(hub.http("/api/admin/users/sdk-kicked/disconnect"))
                    .header("Authorization", "Bearer " + hub.adminToken("root")).POST(HttpRequest.BodyPublishers.noBody()).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.body()).isEqualTo("{\"disconnected\":1}");
            waitFor(w, "return window.t.hub.state === 'closed'", "the page gave up");
            assertThat(chromium.script(w, "return window.t.closes").toString()).isEqualTo("[4010]");
            assertThat(chromium.script(w, "return window.t.welcomes").asInt()).isEqualTo(1);
            assertThat(code(w, "window.t.hub.publish('x', {})")).isEqualTo("closed");
        } finally {
            chromium.closeSession(w);
        }
    }

    /** Runs a promise-returning expression in the page and answers the code it was rejected with. */
    private static String code(String w, String promise) throws Exception {
        String key = "c" + System.nanoTime();
        chromium.script(w, promise + ".then(() => window['" + key + "'] = 'resolved', e => window['" + key + "'] = String(e.code)); return true");
        waitFor(w, "return window['" + key + "'] !== undefined", "the answer of " + promise);
        return chromium.script(w, "return window['" + key + "']").asText();
    }

    private static String publish(HubbubClient c, String room, String text) throws Exception {
        c.publish(room, Map.of("text", text)).get(5, TimeUnit.SECONDS);
        return text;
    }

    private static void waitFor(String w, String js, String what) throws Exception {
        chromium.waitFor(w, js, what, "return window.t ? JSON.stringify({log: window.t.log, states: window.t.states, "
                + "failure: window.t.failure, errors: window.t.errors, closes: window.t.closes}) : document.documentElement.outerHTML");
    }

    private static void await(java.util.function.BooleanSupplier condition, String what) throws InterruptedException {
        long end = System.currentTimeMillis() + 15_000;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > end) throw new AssertionError("waited in vain: " + what);
            Thread.sleep(20);
        }
    }
}
