package io.hubbub.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.core.protocol.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One Hubbub node as a separate JVM: {@code java -cp <test classpath> io.hubbub.server.cli.HubbubCli serve
 * --set ...} on 127.0.0.1 and port 0; the port is read from the "listening on" line. Output goes to a log
 * file in the node's data directory (shown when a start fails). The test classpath is the calling module's,
 * so a feature module's nodes load its feature through ServiceLoader. Part of the server's test kit
 * (published as its test-jar) for the multi-process tests of the server and of feature modules.
 */
public final class NodeProcess implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on https?://[^ ]+:(\\d+)");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    public final String id;
    private final Process process;
    private final Path log;
    private final int port;

    /** Deletes the node's data directory and log (kept with -Dhubbub.test.keepLogs=true). */
    public void deleteFiles() {
        if (process.isAlive() || Boolean.getBoolean("hubbub.test.keepLogs")) return;
        try (var walk = Files.walk(log.getParent())) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // best effort: temporary files
        }
    }

    private NodeProcess(String id, Process process, Path log, int port) {
        this.id = id;
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts a node with these settings ({@code --set key=value}) and waits until it listens (at most 60 s). */
    public static NodeProcess start(String id, Map<String, String> settings) {
        try {
            Path dir = Files.createTempDirectory("hubbub-node-" + id);
            Path log = dir.resolve("node.log");
            List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
                    "--enable-native-access=ALL-UNNAMED", "-cp", classpath(), "io.hubbub.server.cli.HubbubCli", "serve"));
            settings.forEach((k, v) -> {
                cmd.add("--set");
                cmd.add(k + "=" + v);
            });
            cmd.addAll(List.of("--set", "engine.nodeId=" + id, "--set", "storage.dataDir=" + dir,
                    "--set", "server.host=127.0.0.1", "--set", "server.port=0"));
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (System.nanoTime() < deadline) {
                String out = Files.readString(log);
                Matcher m = LISTENING.matcher(out);
                if (m.find()) return new NodeProcess(id, p, log, Integer.parseInt(m.group(1)));
                if (!p.isAlive()) throw new IllegalStateException("node " + id + " exited:\n" + out);
                Thread.sleep(100);
            }
            p.destroyForcibly();
            throw new IllegalStateException("node " + id + " did not start within 60 s:\n" + Files.readString(log));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The test JVM's classpath (surefire puts it in a property when it uses a manifest-only jar). */
    private static String classpath() {
        String cp = System.getProperty("surefire.test.class.path");
        return cp != null && !cp.isBlank() ? cp : System.getProperty("java.class.path");
    }

    public int port() {
        return port;
    }

    /** The native protocol's WebSocket URL. */
    public String wsUrl() {
        return "ws://127.0.0.1:" + port + "/ws";
    }

    public String httpUrl() {
        return "http://127.0.0.1:" + port;
    }

    public boolean alive() {
        return process.isAlive();
    }

    /** GET on this node; answers {status, body}. */
    public Response get(String path) {
        return call("GET", path, null, null);
    }

    /** An HTTP request to this node with an optional bearer token and JSON body; answers {status, body}. */
    public Response call(String method, String path, String token, String body) {
        try {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(httpUrl() + path)).timeout(Duration.ofSeconds(5))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
            if (body != null) b.header("Content-Type", "application/json");
            if (token != null) b.header("Authorization", "Bearer " + token);
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(r.statusCode(), r.body().isEmpty() ? Json.object() : Json.MAPPER.readTree(r.body()));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public record Response(int status, JsonNode body) {}

    /** kill -9: no shutdown hook, no drain, no deregistration. */
    public void kill9() {
        process.destroyForcibly();
        waitExit(10);
    }

    /** SIGTERM: the node drains and exits. */
    public void terminate() {
        process.destroy();
    }

    public boolean waitExit(int seconds) {
        try {
            return process.waitFor(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** The node's log so far. */
    public String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
            waitExit(10);
        }
    }
}
