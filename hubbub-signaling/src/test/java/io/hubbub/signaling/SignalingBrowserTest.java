package io.hubbub.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.hubbub.core.protocol.Json;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real browsers: two headless Chromium pages (src/test/resources/webrtc/peer.html, driven through
 * chromedriver's W3C WebDriver HTTP API) join one room through Hubbub, negotiate an RTCPeerConnection
 * using Hubbub only for signaling, and exchange a message over an RTCDataChannel — over the native
 * protocol, over the seed 003 adapter, and forced through a real coturn ({@code use-auth-secret},
 * {@code iceTransportPolicy: "relay"}) with the credentials Hubbub issued. Skipped (with the reason)
 * when chromium/chromedriver, or for the TURN case turnserver, is not installed.
 */
class SignalingBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    static final Path TURNSERVER = Path.of("/usr/bin/turnserver");
    static final String TURN_SECRET = "browser-test-turn-secret-0123456789";
    private static final HttpClient http = HttpClient.newHttpClient();
    private static HttpServer pages;
    private static Process driver;
    private static URI driverUrl;

    @BeforeAll
    static void start() throws Exception {
        boolean browsers = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!browsers) System.out.println("SignalingBrowserTest skipped: /usr/bin/chromium or /usr/bin/chromedriver is not installed");
        assumeTrue(browsers, "chromium and chromedriver are not installed");
        byte[] page;
        try (InputStream in = SignalingBrowserTest.class.getResourceAsStream("/webrtc/peer.html")) {
            page = in.readAllBytes();
        }
        pages = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        pages.createContext("/", ex -> {
            ex.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            ex.sendResponseHeaders(200, page.length);
            try (var out = ex.getResponseBody()) {
                out.write(page);
            }
        });
        pages.start();
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        driver = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port, "--allowed-ips=127.0.0.1")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        driverUrl = URI.create("http://127.0.0.1:" + port);
        for (int i = 0; ; i++) {
            try {
                if (call("GET", "/status", null).path("value").path("ready").asBoolean()) break;
            } catch (IOException e) {
                // not listening yet
            }
            if (i > 100) throw new AssertionError("chromedriver did not start");
            Thread.sleep(100);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (driver != null) {
            driver.destroy();
            driver.waitFor(5, TimeUnit.SECONDS);
        }
        if (pages != null) pages.stop(0);
    }

    @Test
    void twoBrowsersTalkOverADataChannelSignaledThroughTheNativeProtocol() throws Exception {
        try (TestHubbub hub = TestHubbub.start(Map.of())) {
            exchange(hub, "native", false);
        }
    }

    @Test
    void twoBrowsersTalkOverADataChannelSignaledThroughTheSeedAdapter() throws Exception {
        try (TestHubbub hub = TestHubbub.start(Map.of())) {
            exchange(hub, "seed", false);
        }
    }

    @Test
    void relayOnlyThroughARealCoturnWithTheCredentialsHubbubIssued() throws Exception {
        boolean turn = Files.isExecutable(TURNSERVER);
        if (!turn) System.out.println("SignalingBrowserTest relay case skipped: /usr/bin/turnserver (coturn) is not installed");
        assumeTrue(turn, "coturn is not installed");
        int turnPort;
        try (DatagramSocket s = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            turnPort = s.getLocalPort();
        }
        Path log = Files.createTempFile("coturn", ".log");
        Process coturn = new ProcessBuilder(TURNSERVER.toString(), "-n", "--listening-ip=127.0.0.1", "--relay-ip=127.0.0.1",
                "--listening-port=" + turnPort, "--allow-loopback-peers", "--use-auth-secret", "--static-auth-secret=" + TURN_SECRET,
                "--realm=hubbub.test", "--no-cli", "--no-tls", "--no-dtls", "--fingerprint", "--min-port=49152", "--max-port=65535",
                "--log-file=stdout", "--simple-log")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            Map<String, String> o = Map.of("features.signaling.turnUrls", "turn:127.0.0.1:" + turnPort + "?transport=udp",
                    "features.signaling.turnSecret", TURN_SECRET, "features.signaling.turnTtl", "10m");
            try (TestHubbub hub = TestHubbub.start(o)) {
                exchange(hub, "native", true);
            }
        } finally {
            coturn.destroy();
            coturn.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** bob (answerer) opens first, then ann (offerer); ann's message comes back as bob's echo. */
    private void exchange(TestHubbub hub, String mode, boolean relay) throws Exception {
        String room = "browser-" + mode + "-" + System.nanoTime();
        String bob = newSession();
        String ann = newSession();
        try {
            open(bob, hub, mode, "bob", "ann", room, false, relay);
            waitFor(bob, "return window.error !== null || window.joinedRoom === true", "bob joined");
            open(ann, hub, mode, "ann", "bob", room, true, relay);
            waitFor(ann, "return window.error !== null || window.received.length > 0", "ann gets bob's echo");
            waitFor(bob, "return window.error !== null || window.received.length > 0", "bob gets ann's message");
            assertThat(script(ann, "return window.error").isNull()).as("ann: " + script(ann, "return window.error")).isTrue();
            assertThat(script(bob, "return window.error").isNull()).as("bob: " + script(bob, "return window.error")).isTrue();
            assertThat(script(bob, "return window.received").get(0).asText()).isEqualTo("hello from ann");
            assertThat(script(ann, "return window.received").get(0).asText()).isEqualTo("echo from bob: hello from ann");
            if (relay) {
                waitFor(ann, "return window.candidateType !== null", "ann's selected candidate");
                assertThat(script(ann, "return window.candidateType").asText()).as("relay-only through coturn").isEqualTo("relay");
            }
        } finally {
            call("DELETE", "/session/" + ann, null);
            call("DELETE", "/session/" + bob, null);
        }
    }

    private static String newSession() throws Exception {
        ObjectNode caps = Json.object();
        ObjectNode chrome = caps.putObject("capabilities").putObject("alwaysMatch").putObject("goog:chromeOptions");
        chrome.put("binary", CHROMIUM.toString());
        chrome.putArray("args").add("--headless").add("--no-sandbox").add("--disable-gpu").add("--disable-background-networking")
                .add("--disable-component-update").add("--disable-sync").add("--disable-dev-shm-usage")
                .add("--disable-features=WebRtcHideLocalIpsWithMdns").add("--allow-loopback-in-peer-connection");
        JsonNode r = call("POST", "/session", caps);
        String id = r.path("value").path("sessionId").asText();
        assertThat(id).as(r.toString()).isNotEmpty();
        return id;
    }

    private static void open(String session, TestHubbub hub, String mode, String me, String peer, String room, boolean offerer,
                             boolean relay) throws Exception {
        String ws = "ws://127.0.0.1:" + hub.port() + (mode.equals("native") ? "/ws" : "/signaling") + "?token=" + hub.token(me);
        String url = "http://127.0.0.1:" + pages.getAddress().getPort() + "/peer.html?mode=" + mode + "&me=" + me + "&peer=" + peer
                + "&room=" + room + "&offerer=" + (offerer ? 1 : 0) + "&relay=" + (relay ? 1 : 0)
                + "&ws=" + URLEncoder.encode(ws, StandardCharsets.UTF_8);
        call("POST", "/session/" + session + "/url", Json.object().put("url", url));
    }

    private static JsonNode script(String session, String js) throws Exception {
        ObjectNode body = Json.object().put("script", js);
        body.putArray("args");
        return call("POST", "/session/" + session + "/execute/sync", body).path("value");
    }

    private static void waitFor(String session, String js, String what) throws Exception {
        for (int i = 0; !script(session, js).asBoolean(false); i++) {
            if (i > 300) throw new AssertionError("waited in vain: " + what + "; error: " + script(session, "return window.error"));
            Thread.sleep(50);
        }
    }

    private static JsonNode call(String method, String path, JsonNode body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(driverUrl.resolve(path)).timeout(Duration.ofSeconds(30));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.toString()));
        if (body != null) b.header("Content-Type", "application/json");
        HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = Json.MAPPER.readTree(r.body());
        if (r.statusCode() != 200) throw new AssertionError(method + " " + path + " -> " + r.statusCode() + " " + r.body());
        return json;
    }
}
