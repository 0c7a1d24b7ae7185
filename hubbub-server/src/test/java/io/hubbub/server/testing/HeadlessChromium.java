package io.hubbub.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.protocol.Json;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Headless Chromium for browser tests, driven through chromedriver's W3C WebDriver HTTP API (no Selenium):
 * {@link #start} runs chromedriver on a free loopback port and waits until it is ready; {@link #newSession}
 * opens a headless browser window; {@link #open}, {@link #script}, {@link #waitFor} and the element helpers
 * act in it. Tests call {@link #assumeInstalled} first, so they are skipped (with the reason printed) where
 * {@code /usr/bin/chromium} or {@code /usr/bin/chromedriver} is not installed. Part of the server's test kit
 * (published as its test-jar) for the browser tests of the server and of feature modules.
 */
public final class HeadlessChromium implements AutoCloseable {
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** The flags of every window: headless, no sandbox (containers), no background traffic. */
    private static final List<String> HEADLESS = List.of("--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage");
    private static final Duration WAIT = Duration.ofSeconds(15);
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final Process driver;
    private final URI driverUrl;
    private final List<String> args;

    private HeadlessChromium(Process driver, URI driverUrl, List<String> args) {
        this.driver = driver;
        this.driverUrl = driverUrl;
        this.args = args;
    }

    /** Skips the calling test (printing why, naming {@code who}) unless chromium and chromedriver are installed. */
    public static void assumeInstalled(String who) {
        boolean installed = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!installed) System.out.println(who + " skipped: " + CHROMIUM + " or " + CHROMEDRIVER + " is not installed");
        assumeTrue(installed, "chromium and chromedriver are not installed");
    }

    /**
     * Starts chromedriver on a free port and waits (at most 10 s) until it is ready.
     *
     * @param extraArgs Chromium flags for every window, after the headless ones
     */
    public static HeadlessChromium start(String... extraArgs) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Process driver = new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port, "--allowed-ips=127.0.0.1")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        List<String> args = new ArrayList<>(HEADLESS);
        args.addAll(List.of(extraArgs));
        HeadlessChromium chromium = new HeadlessChromium(driver, URI.create("http://127.0.0.1:" + port), List.copyOf(args));
        long end = System.currentTimeMillis() + 10_000;
        while (true) {
            try {
                if (chromium.call("GET", "/status", null).path("value").path("ready").asBoolean()) return chromium;
            } catch (IOException e) {
                // not listening yet
            }
            if (System.currentTimeMillis() > end) {
                chromium.close();
                throw new AssertionError("chromedriver did not start");
            }
            Thread.sleep(100);
        }
    }

    /** A new headless browser window; answers its session id (for {@link #closeSession}). */
    public String newSession() throws IOException, InterruptedException {
        ObjectNode caps = Json.object();
        ObjectNode chrome = caps.putObject("capabilities").putObject("alwaysMatch").putObject("goog:chromeOptions");
        chrome.put("binary", CHROMIUM.toString());
        args.forEach(chrome.putArray("args")::add);
        JsonNode r = call("POST", "/session", caps);
        String id = r.path("value").path("sessionId").asText();
        assertThat(id).as(r.toString()).isNotEmpty();
        return id;
    }

    public void closeSession(String session) throws IOException, InterruptedException {
        call("DELETE", "/session/" + session, null);
    }

    /** Navigates the window to {@code url}. */
    public void open(String session, String url) throws IOException, InterruptedException {
        call("POST", "/session/" + session + "/url", Json.object().put("url", url));
    }

    /** Runs {@code js} (a function body: {@code return ...}) in the page; answers its result. */
    public JsonNode script(String session, String js) throws IOException, InterruptedException {
        ObjectNode body = Json.object().put("script", js);
        body.putArray("args");
        return call("POST", "/session/" + session + "/execute/sync", body).path("value");
    }

    /**
     * Waits (at most 15 s) until {@code js} answers true in the page; else fails naming {@code what} and showing
     * what {@code diagnosticJs} answers then.
     */
    public void waitFor(String session, String js, String what, String diagnosticJs) throws IOException, InterruptedException {
        long end = System.currentTimeMillis() + WAIT.toMillis();
        while (!script(session, js).asBoolean(false)) {
            if (System.currentTimeMillis() > end)
                throw new AssertionError("waited in vain: " + what + "; page shows " + script(session, diagnosticJs));
            Thread.sleep(50);
        }
    }

    /** The id of the first element matching a CSS selector. */
    public String element(String session, String css) throws IOException, InterruptedException {
        JsonNode r = call("POST", "/session/" + session + "/element", Json.object().put("using", "css selector").put("value", css));
        return r.path("value").path("element-6066-11e4-a52e-4f735466cecf").asText();
    }

    /** Types {@code text} into the element matching {@code css}. */
    public void sendKeys(String session, String css, String text) throws IOException, InterruptedException {
        call("POST", "/session/" + session + "/element/" + element(session, css) + "/value", Json.object().put("text", text));
    }

    /** Clicks the element matching {@code css}. */
    public void click(String session, String css) throws IOException, InterruptedException {
        call("POST", "/session/" + session + "/element/" + element(session, css) + "/click", Json.object());
    }

    /** One WebDriver command; fails on any status but 200. */
    public JsonNode call(String method, String path, JsonNode body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(driverUrl.resolve(path)).timeout(Duration.ofSeconds(30));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body.toString()));
        if (body != null) b.header("Content-Type", "application/json");
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        JsonNode json = Json.MAPPER.readTree(r.body());
        if (r.statusCode() != 200) throw new AssertionError(method + " " + path + " -> " + r.statusCode() + " " + r.body());
        return json;
    }

    /** Stops chromedriver (and with it any window left open). */
    @Override
    public void close() {
        driver.destroy();
        try {
            driver.waitFor(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
