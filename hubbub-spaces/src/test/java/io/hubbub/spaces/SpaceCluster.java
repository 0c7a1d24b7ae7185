package io.hubbub.spaces;

import com.fasterxml.jackson.databind.JsonNode;
import io.hubbub.core.protocol.Json;
import io.hubbub.redis.RedisServers;
import io.hubbub.store.EmbeddedPostgresHolder;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real cluster for the spaces fail-over test: one redis-server, one embedded PostgreSQL shared by
 * every node, and Hubbub nodes as separate JVMs started from this module's test classpath (so they
 * load the spaces feature through ServiceLoader), with a short node TTL (3 s) so a death is noticed
 * quickly. The server's own cluster kit is package-private; this is its small twin for a feature module.
 */
final class SpaceCluster implements AutoCloseable {
    static final String SECRET = "spaces-cluster-secret-0123456789-abcdefghijklmnop";
    private static final Pattern LISTENING = Pattern.compile("listening on https?://[^ ]+:(\\d+)");
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final RedisServers.Server redis = RedisServers.single();
    final String jdbcUrl = EmbeddedPostgresHolder.freshDatabaseUrl();
    final List<Node> nodes = new ArrayList<>();
    private final Map<String, String> extra;

    SpaceCluster(int n, Map<String, String> extra) {
        this.extra = Map.copyOf(extra);
        try {
            for (int i = 0; i < n; i++) nodes.add(Node.start("node-" + (char) ('a' + i), settings()));
            await(60_000, () -> alive().stream().allMatch(p -> p.get("/api/cluster").body().path("nodes").size() == n), "every node to see " + n + " nodes");
        } catch (RuntimeException | Error e) {
            System.err.println(logs());
            close();
            throw e;
        }
    }

    private Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("engine.type", "redis");
        s.put("engine.redis.uri", redis.uri());
        s.put("engine.nodeTtl", "3s");
        s.put("auth.jwtSecret", SECRET);
        s.put("storage.jdbcUrl", jdbcUrl);
        s.put("storage.user", "postgres");
        s.putAll(extra);
        return s;
    }

    List<Node> alive() {
        return nodes.stream().filter(Node::alive).toList();
    }

    Node node(String id) {
        return nodes.stream().filter(n -> n.id.equals(id)).findFirst().orElseThrow();
    }

    String logs() {
        StringBuilder b = new StringBuilder();
        for (Node n : nodes) b.append("==== ").append(n.id).append('\n').append(n.output()).append('\n');
        return b.toString();
    }

    static void await(long millis, BooleanSupplier condition, String what) {
        long until = System.currentTimeMillis() + millis;
        while (System.currentTimeMillis() < until) {
            try {
                if (condition.getAsBoolean()) return;
            } catch (RuntimeException e) {
                // not yet
            }
            sleep(100);
        }
        throw new AssertionError("timed out after " + millis + " ms waiting for " + what);
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Override
    public void close() {
        nodes.forEach(Node::close);
        redis.close();
    }

    record Response(int status, JsonNode body) {}

    /** One node: {@code java -cp <test classpath> io.hubbub.server.cli.HubbubCli serve --set ...}. */
    static final class Node implements AutoCloseable {
        final String id;
        final int port;
        private final Process process;
        private final Path dir;

        private Node(String id, Process process, Path dir, int port) {
            this.id = id;
            this.process = process;
            this.dir = dir;
            this.port = port;
        }

        static Node start(String id, Map<String, String> settings) {
            try {
                Path dir = Files.createTempDirectory("hubbub-spaces-" + id);
                Path log = dir.resolve("node.log");
                String cp = System.getProperty("surefire.test.class.path");
                if (cp == null || cp.isBlank()) cp = System.getProperty("java.class.path");
                List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                        "-Xmx192m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-Xss512k",
                        "--enable-native-access=ALL-UNNAMED", "-cp", cp, "io.hubbub.server.cli.HubbubCli", "serve"));
                settings.forEach((k, v) -> cmd.addAll(List.of("--set", k + "=" + v)));
                cmd.addAll(List.of("--set", "engine.nodeId=" + id, "--set", "storage.dataDir=" + dir,
                        "--set", "server.host=127.0.0.1", "--set", "server.port=0"));
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (System.nanoTime() < deadline) {
                    String out = Files.readString(log);
                    Matcher m = LISTENING.matcher(out);
                    if (m.find()) return new Node(id, p, dir, Integer.parseInt(m.group(1)));
                    if (!p.isAlive()) throw new IllegalStateException("node " + id + " exited:\n" + out);
                    sleep(100);
                }
                p.destroyForcibly();
                throw new IllegalStateException("node " + id + " did not start within 60 s:\n" + Files.readString(log));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        String http() {
            return "http://127.0.0.1:" + port;
        }

        /** The seed's WebSocket path on this node. */
        String seedWs() {
            return "ws://127.0.0.1:" + port + "/api/v1/ws";
        }

        String nativeWs() {
            return "ws://127.0.0.1:" + port + "/ws";
        }

        boolean alive() {
            return process.isAlive();
        }

        Response get(String path) {
            return call("GET", path, null, null);
        }

        Response call(String method, String path, String token, String body) {
            try {
                HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(http() + path)).timeout(Duration.ofSeconds(5))
                        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                        .header("Content-Type", "application/json");
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

        /** kill -9: no shutdown hook, no drain, no deregistration, no last flush. */
        void kill9() {
            process.destroyForcibly();
            try {
                process.waitFor(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        String output() {
            try {
                return Files.readString(dir.resolve("node.log"));
            } catch (IOException e) {
                return "(no log: " + e + ")";
            }
        }

        @Override
        public void close() {
            if (process.isAlive()) kill9();
            if (Boolean.getBoolean("hubbub.test.keepLogs")) return;
            try (var walk = Files.walk(dir)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // best effort: temporary files
            }
        }
    }
}
