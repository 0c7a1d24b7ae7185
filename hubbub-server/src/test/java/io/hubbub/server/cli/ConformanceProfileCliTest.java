package io.hubbub.server.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code hubbub serve --profile socketio-conformance --port N} in a real child JVM: the built-in
 * profile needs no file, and the server answers Engine.IO handshakes with the timings the official
 * test suites expect, echoes on /engine.io/, emits {@code auth} on the main namespace, refuses
 * unknown namespaces and runs one I/O thread.
 */
class ConformanceProfileCliTest {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dataDir;

    @Test
    void builtInProfileServesTheConformanceEndpoints() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        String java = ProcessHandle.current().info().command().orElse("java");
        Process serve = new ProcessBuilder(List.of(java, "-cp", System.getProperty("java.class.path"),
                "io.hubbub.server.cli.HubbubCli", "serve", "--profile", "socketio-conformance", "--host", "127.0.0.1",
                "--port", String.valueOf(port), "--data-dir", dataDir.toString()))
                .redirectErrorStream(true).redirectOutput(dataDir.resolve("serve.log").toFile()).start();
        try {
            String base = "http://127.0.0.1:" + port;
            HttpResponse<String> handshake = awaitHandshake(base + "/socket.io/?EIO=4&transport=polling", serve);
            assertThat(handshake.statusCode()).isEqualTo(200);
            assertThat(handshake.headers().firstValue("access-control-allow-origin")).hasValue("https://any.example");
            assertThat(handshake.body()).startsWith("0{").contains("\"pingInterval\":300", "\"pingTimeout\":200",
                    "\"maxPayload\":1000000", "\"upgrades\":[\"websocket\"]");
            String sid = sid(handshake.body());

            // main namespace: CONNECT with auth -> CONNECT reply, then the "auth" event with that payload
            assertThat(post(base + "/socket.io/?EIO=4&transport=polling&sid=" + sid, "40{\"token\":\"abc\"}").body()).isEqualTo("ok");
            // (the auth event follows the reply after a short pause, so it may come with the next poll)
            String polled = get(base + "/socket.io/?EIO=4&transport=polling&sid=" + sid).body();
            if (!polled.contains("42[")) {
                polled += "\u001e" + get(base + "/socket.io/?EIO=4&transport=polling&sid=" + sid).body();
            }
            assertThat(polled).startsWith("40{\"sid\":").contains("\u001e42[\"auth\",{\"token\":\"abc\"}]");
            // any other namespace than / and /custom is refused
            post(base + "/socket.io/?EIO=4&transport=polling&sid=" + sid, "40/random,");
            assertThat(get(base + "/socket.io/?EIO=4&transport=polling&sid=" + sid).body())
                    .isEqualTo("44/random,{\"message\":\"Invalid namespace\"}");

            // the plain Engine.IO echo endpoint
            String echoSid = sid(get(base + "/engine.io/?EIO=4&transport=polling").body());
            post(base + "/engine.io/?EIO=4&transport=polling&sid=" + echoSid, "4hello\u001ebAQIDBA==");
            assertThat(get(base + "/engine.io/?EIO=4&transport=polling&sid=" + echoSid).body()).isEqualTo("4hello\u001ebAQIDBA==");
            // Engine.IO v3 is not supported
            assertThat(get(base + "/socket.io/?EIO=3&transport=polling").statusCode()).isEqualTo(400);
            // one event loop, like the single-threaded reference server (arrival order across connections)
            assertThat(Files.readString(dataDir.resolve("serve.log"))).contains("I/O threads: 1");
        } finally {
            serve.destroy();
            if (!serve.waitFor(10, TimeUnit.SECONDS)) serve.destroyForcibly();
        }
    }

    private static HttpResponse<String> awaitHandshake(String url, Process serve) throws Exception {
        long end = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (true) {
            try {
                return HTTP.send(HttpRequest.newBuilder(URI.create(url)).header("Origin", "https://any.example")
                        .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                assertThat(serve.isAlive()).as("hubbub serve exited with " + (serve.isAlive() ? 0 : serve.exitValue())).isTrue();
                if (System.nanoTime() > end) throw e;
                Thread.sleep(200);
            }
        }
    }

    private static String sid(String handshake) {
        Matcher m = Pattern.compile("\"sid\":\"([^\"]+)\"").matcher(handshake);
        assertThat(m.find()).as(handshake).isTrue();
        return m.group(1);
    }

    private static HttpResponse<String> get(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> post(String url, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
