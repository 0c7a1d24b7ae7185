package io.hubbub.server.protocol.socketio.hubbub;

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
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.hubbub.server.protocol.socketio.hubbub.SocketIoNpmClientTest.commandWorks;
import static io.hubbub.server.protocol.socketio.hubbub.SocketIoNpmClientTest.npmCi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The getting-started chat page (src/test/resources/chat/index.html: the tutorial's page with only
 * the {@code io()} line changed) in two headless Chromium windows driven through chromedriver's
 * W3C WebDriver HTTP API: a message typed and sent in one page appears in both. The page and the
 * socket.io-client browser bundle come from a tiny local HTTP server, as the tutorial's own web
 * server would serve them; the socket talks to Hubbub on another port (CORS). Skipped when
 * {@code chromium} or {@code chromedriver} is not installed.
 */
class SocketIoChatBrowserTest {
    static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    private static TestHubbub hub;
    private static HttpServer pages;
    private static Process driver;
    private static URI driverUrl;
    private static final HttpClient http = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER), "chromium and chromedriver are not installed");
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
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        driver = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port, "--allowed-ips=127.0.0.1")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        driverUrl = URI.create("http://127.0.0.1:" + port);
        long end = System.currentTimeMillis() + 10_000;
        while (true) {
            try {
                if (call("GET", "/status", null).path("value").path("ready").asBoolean()) break;
            } catch (IOException e) {
                // not listening yet
            }
            if (System.currentTimeMillis() > end) throw new AssertionError("chromedriver did not start");
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
        if (hub != null) hub.close();
    }

    @Test
    void aMessageTypedInOnePageAppearsInTheOther() throws Exception {
        String alice = newSession();
        String bob = newSession();
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
                assertThat(script(s, "return document.getElementById('input').value").asText()).isEmpty();
            }
        } finally {
            call("DELETE", "/session/" + alice, null);
            call("DELETE", "/session/" + bob, null);
        }
    }

    private static String newSession() throws Exception {
        ObjectNode caps = Json.object();
        ObjectNode chrome = caps.putObject("capabilities").putObject("alwaysMatch").putObject("goog:chromeOptions");
        chrome.put("binary", CHROMIUM.toString());
        chrome.putArray("args").add("--headless").add("--no-sandbox").add("--disable-gpu").add("--disable-background-networking")
                .add("--disable-component-update").add("--disable-sync").add("--disable-dev-shm-usage");
        JsonNode r = call("POST", "/session", caps);
        String id = r.path("value").path("sessionId").asText();
        assertThat(id).as(r.toString()).isNotEmpty();
        return id;
    }

    private static void open(String session, String user) throws Exception {
        call("POST", "/session/" + session + "/url", Json.object().put("url", "http://127.0.0.1:" + pages.getAddress().getPort() + "/" + user));
    }

    /** Types into the input and clicks Send, as a person would. */
    private static void type(String session, String text) throws Exception {
        String input = element(session, "#input");
        call("POST", "/session/" + session + "/element/" + input + "/value", Json.object().put("text", text));
        call("POST", "/session/" + session + "/element/" + element(session, "#form button") + "/click", Json.object());
    }

    private static String element(String session, String css) throws Exception {
        JsonNode r = call("POST", "/session/" + session + "/element", Json.object().put("using", "css selector").put("value", css));
        return r.path("value").path("element-6066-11e4-a52e-4f735466cecf").asText();
    }

    private static List<String> messages(String session) throws Exception {
        List<String> out = new ArrayList<>();
        script(session, "return Array.from(document.querySelectorAll('#messages li')).map(li => li.textContent)")
                .forEach(n -> out.add(n.asText()));
        return out;
    }

    private static JsonNode script(String session, String js) throws Exception {
        ObjectNode body = Json.object().put("script", js);
        body.putArray("args");
        return call("POST", "/session/" + session + "/execute/sync", body).path("value");
    }

    private static void waitFor(String session, String js, String what) throws Exception {
        long end = System.currentTimeMillis() + 10_000;
        while (!script(session, js).asBoolean(false)) {
            if (System.currentTimeMillis() > end) throw new AssertionError("waited in vain: " + what + "; page shows " + messages(session));
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

    private static void respond(com.sun.net.httpserver.HttpExchange ex, String type, byte[] body) throws IOException {
        ex.getResponseHeaders().set("Content-Type", type);
        ex.sendResponseHeaders(200, body.length);
        try (var out = ex.getResponseBody()) {
            out.write(body);
        }
    }
}
