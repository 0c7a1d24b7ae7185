package io.hubbub.chain;

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

/** One Hubbub node with the chain feature as its own JVM (so a test can kill it with -9). */
final class ChainNode implements AutoCloseable {
    private static final Pattern LISTENING = Pattern.compile("listening on https?://[^ ]+:(\\d+)");
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final String id;
    private final Process process;
    private final Path log;
    final int port;

    private ChainNode(String id, Process process, Path log, int port) {
        this.id = id;
        this.process = process;
        this.log = log;
        this.port = port;
    }

    static ChainNode start(String id, Map<String, String> settings) throws Exception {
        Path dir = Files.createTempDirectory("chain-node-" + id);
        Path log = dir.resolve("node.log");
        String cp = System.getProperty("surefire.test.class.path");
        if (cp == null || cp.isBlank()) cp = System.getProperty("java.class.path");
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx160m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k", "--enable-native-access=ALL-UNNAMED",
                "-cp", cp, "io.hubbub.server.cli.HubbubCli", "serve"));
        settings.forEach((k, v) -> {
            cmd.add("--set");
            cmd.add(k + "=" + v);
        });
        cmd.addAll(List.of("--set", "engine.nodeId=" + id, "--set", "storage.dataDir=" + dir, "--set", "server.host=127.0.0.1",
                "--set", "server.port=0"));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        for (int i = 0; i < 900; i++) { // at most 90 s on a busy machine
            Matcher m = LISTENING.matcher(Files.readString(log));
            if (m.find()) return new ChainNode(id, p, log, Integer.parseInt(m.group(1)));
            if (!p.isAlive()) throw new IllegalStateException("node " + id + " exited:\n" + Files.readString(log));
            Thread.sleep(100);
        }
        p.destroyForcibly();
        throw new IllegalStateException("node " + id + " did not start:\n" + Files.readString(log));
    }

    String wsUrl() {
        return "ws://127.0.0.1:" + port + "/ws";
    }

    /** {@code GET /api/chain/status}, or null when the node does not answer. */
    JsonNode status() {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/chain/status"))
                    .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.ofString());
            return Json.MAPPER.readTree(r.body());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    boolean leads() {
        JsonNode s = status();
        return s != null && s.path("leader").asBoolean() && s.path("connected").asBoolean();
    }

    /** kill -9: no shutdown hook, no lease release. */
    void kill9() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(10, TimeUnit.SECONDS);
    }

    String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() throws Exception {
        if (process.isAlive()) kill9();
    }
}
