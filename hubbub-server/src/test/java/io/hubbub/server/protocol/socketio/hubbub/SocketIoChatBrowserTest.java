package io.hubbub.server.protocol.socketio.hubbub;

import com.sun.net.httpserver.HttpServer;
import io.hubbub.server.testing.HeadlessChromium;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static io.hubbub.server.protocol.socketio.hubbub.SocketIoNpmClientTest.commandWorks;
import static io.hubbub.server.protocol.socketio.hubbub.SocketIoNpmClientTest.npmCi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The getting-started chat page (src/test/resources/chat/index.html: the tutorial's page with only
 * the {@code io()} line changed) in two headless Chromium windows driven through chromedriver's
 * W3C WebDriver HTTP API ({@link HeadlessChromium}): a message typed and sent in one page appears in
 * both. The page and the socket.io-client browser bundle come from a tiny local HTTP server, as the
 * tutorial's own web server would serve them; the socket talks to Hubbub on another port (CORS). Skipped when
 * {@code chromium} or {@code chromedriver} is not installed.
 */
class SocketIoChatBrowserTest {
    private static final String MESSAGES = "return Array.from(document.querySelectorAll('#messages li')).map(li => li.textContent)";
    private static TestHubbub hub;
    private static HttpServer pages;
    private static HeadlessChromium chromium;

    @BeforeAll
    static void start() throws Exception {
        HeadlessChromium.assumeInstalled("SocketIoChatBrowserTest");
        assumeTrue(commandWorks("node", "--version"), "node is not installed (needed for the socket.io-client bundle)");
        npmCi();
        hub = TestHubbub.start(Map.of("socketio.relayEvents", "chat message"));
        byte[] bundle = Files.readAllBytes(SocketIoNpmClientTest.JS.resolve("node_modules/socket.io-client/dist/socket.io.js"));
        String template;
        try (InputStream in = SocketIoChatBrowserTest.class.getResourceAsStream("/chat/index.html")) {
            template = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        pages = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        pages.createContext("/socket.io/socket.io.js", ex -> respond(ex, "application/javascript", bundle));
        pages.createContext("/", ex -> {
            String user = ex.getRequestURI().getPath().substring(1);
            String page = template.replace("__HUBBUB_URL__", "http://127.0.0.1:" + hub.port()).replace("__TOKEN__", hub.token(user));
            respond(ex, "text/html; charset=utf-8", page.getBytes(StandardCharsets.UTF_8));
        });
        pages.start();
        chromium = HeadlessChromium.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (chromium != null) chromium.close();
        if (pages != null) pages.stop(0);
        if (hub != null) hub.close();
    }

    @Test
    void aMessageTypedInOnePageAppearsInTheOther() throws Exception {
        String alice = chromium.newSession();
        String bob = chromium.newSession();
        try {
            open(alice, "alice");
            open(bob, "bob");
            waitFor(alice, "return typeof socket !== 'undefined' && socket.connected", "alice connected");
            waitFor(bob, "return typeof socket !== 'undefined' && socket.connected", "bob connected");
            type(alice, "hello from alice");
            waitFor(bob, "return document.querySelectorAll('#messages li').length === 1", "bob sees alice's message");
            type(bob, "hi alice, bob here");
            waitFor(alice, "return document.querySelectorAll('#messages li').length === 2", "alice sees both");
            waitFor(bob, "return document.querySelectorAll('#messages li').length === 2", "bob sees both");
            for (String s : List.of(alice, bob)) {
                assertThat(messages(s)).containsExactly("hello from alice", "hi alice, bob here");
                assertThat(chromium.script(s, "return document.getElementById('input').value").asText()).isEmpty();
            }
        } finally {
            chromium.closeSession(alice);
            chromium.closeSession(bob);
        }
    }

    private static void open(String session, String user) throws Exception {
        chromium.open(session, "http://127.0.0.1:" + pages.getAddress().getPort() + "/" + user);
    }

    /** Types into the input and clicks Send, as a person would. */
    private static void type(String session, String text) throws Exception {
        chromium.sendKeys(session, "#input", text);
        chromium.click(session, "#form button");
    }

    private static List<String> messages(String session) throws Exception {
        List<String> out = new ArrayList<>();
        chromium.script(session, MESSAGES).forEach(n -> out.add(n.asText()));
        return out;
    }

    private static void waitFor(String session, String js, String what) throws Exception {
        chromium.waitFor(session, js, what, MESSAGES);
    }

    private static void respond(com.sun.net.httpserver.HttpExchange ex, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(200, body.length);
        try (var out = ex.getResponseBody()) {
            out.write(body);
        }
    }
}
