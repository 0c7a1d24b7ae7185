package io.hubbub.signaling;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.hubbub.server.testing.HeadlessChromium;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Real browsers: two headless Chromium pages (src/test/resources/webrtc/peer.html, driven through
 * chromedriver's W3C WebDriver HTTP API by {@link HeadlessChromium}) join one room through Hubbub,
 * negotiate an RTCPeerConnection using Hubbub only for signaling, and exchange a message over an RTCDataChannel — over the native
 * protocol, over the seed 003 adapter, and forced through a real coturn ({@code use-auth-secret},
 * {@code iceTransportPolicy: "relay"}) with the credentials Hubbub issued. Skipped (with the reason)
 * when chromium/chromedriver, or for the TURN case turnserver, is not installed.
 */
class SignalingBrowserTest {
    static final Path TURNSERVER = Path.of("/usr/bin/turnserver");
    static final String TURN_SECRET = "browser-test-turn-secret-0123456789";
    private static HttpServer pages;
    private static HeadlessChromium chromium;

    @BeforeAll
    static void start() throws Exception {
        HeadlessChromium.assumeInstalled("SignalingBrowserTest");
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
        // WebRTC between two windows on one machine: real loopback candidates, not mDNS names
        chromium = HeadlessChromium.start("--disable-features=WebRtcHideLocalIpsWithMdns", "--allow-loopback-in-peer-connection");
    }

    @AfterAll
    static void stop() throws Exception {
        if (chromium != null) chromium.close();
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
        String bob = chromium.newSession();
        String ann = chromium.newSession();
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
            chromium.closeSession(ann);
            chromium.closeSession(bob);
        }
    }

    private static void open(String session, TestHubbub hub, String mode, String me, String peer, String room, boolean offerer,
                             boolean relay) throws Exception {
        String ws = "ws://127.0.0.1:" + hub.port() + (mode.equals("native") ? "/ws" : "/signaling") + "?token=" + hub.token(me);
        String url = "http://127.0.0.1:" + pages.getAddress().getPort() + "/peer.html?mode=" + mode + "&me=" + me + "&peer=" + peer
                + "&room=" + room + "&offerer=" + (offerer ? 1 : 0) + "&relay=" + (relay ? 1 : 0)
                + "&ws=" + URLEncoder.encode(ws, StandardCharsets.UTF_8);
        chromium.open(session, url);
    }

    private static JsonNode script(String session, String js) throws Exception {
        return chromium.script(session, js);
    }

    private static void waitFor(String session, String js, String what) throws Exception {
        chromium.waitFor(session, js, what, "return window.error");
    }
}
