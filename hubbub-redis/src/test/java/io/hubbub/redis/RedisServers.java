package io.hubbub.redis;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Real Redis servers for tests, on 127.0.0.1 and free ports. The binary is the machine's
 * {@code redis-server} (Debian package) when present, else the Redis 6.2 binary shipped inside the
 * embedded-redis test dependency; {@code -Dhubbub.test.redis=embedded} forces the latter. A cluster
 * needs Redis 7 (sharded pub/sub) and {@code redis-cli}; without them {@link #cluster} skips the test.
 */
public final class RedisServers {
    private static Binary binary;

    record Binary(Path server, Path cli, String version, boolean embedded) {
        int major() {
            return Integer.parseInt(version.split("\\.")[0]);
        }
    }

    private RedisServers() {}

    static synchronized Binary binary() {
        if (binary != null) return binary;
        boolean forceEmbedded = "embedded".equals(System.getProperty("hubbub.test.redis"));
        Path server = forceEmbedded ? null : onPath("redis-server");
        if (server != null) {
            binary = new Binary(server, onPath("redis-cli"), version(server), false);
        } else {
            Path extracted = extractEmbedded();
            binary = new Binary(extracted, null, version(extracted), true);
        }
        org.slf4j.LoggerFactory.getLogger(RedisServers.class).info("tests use redis {} ({})", binary.version(),
                binary.embedded() ? "embedded-redis binary" : binary.server());
        return binary;
    }

    /** Starts a standalone server on a free port. */
    public static Server single() {
        Server s = new Server(binary(), freePort(false), false);
        s.start();
        return s;
    }

    /** Starts a 3-master cluster on free loopback ports; skips the calling test without Redis 7 and redis-cli. */
    public static Cluster cluster() {
        Binary b = binary();
        assumeTrue(b.major() >= 7 && b.cli() != null,
                "Redis Cluster tests need Redis 7+ (sharded pub/sub) and redis-cli; found redis " + b.version()
                        + (b.embedded() ? " (embedded)" : "") + (b.cli() == null ? " without redis-cli" : ""));
        List<Server> nodes = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                Server s = new Server(b, freePort(true), true);
                s.start();
                nodes.add(s);
            }
            List<String> cmd = new ArrayList<>(List.of(b.cli().toString(), "--cluster", "create"));
            for (Server s : nodes) cmd.add("127.0.0.1:" + s.port());
            cmd.addAll(List.of("--cluster-replicas", "0", "--cluster-yes"));
            run(cmd, 60);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            for (Server s : nodes) {
                while (!run(List.of(b.cli().toString(), "-h", "127.0.0.1", "-p", Integer.toString(s.port()), "cluster", "info"), 10)
                        .contains("cluster_state:ok")) {
                    if (System.nanoTime() > deadline) throw new IllegalStateException("cluster did not become ok");
                    Thread.sleep(100);
                }
            }
            return new Cluster(nodes);
        } catch (Exception e) {
            nodes.forEach(Server::close);
            throw new IllegalStateException("cannot start redis cluster", e);
        }
    }

    public record Cluster(List<Server> nodes) implements AutoCloseable {
        public List<String> uris() {
            return nodes.stream().map(Server::uri).toList();
        }

        @Override
        public void close() {
            nodes.forEach(Server::close);
        }
    }

    /** One redis-server process; can be stopped and started again on the same port (a restart). */
    public static final class Server implements AutoCloseable {
        private final Binary binary;
        private final int port;
        private final boolean cluster;
        private final Path dir;
        private Process process;

        Server(Binary binary, int port, boolean cluster) {
            this.binary = binary;
            this.port = port;
            this.cluster = cluster;
            try {
                this.dir = Files.createTempDirectory("hubbub-redis-" + port);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        public int port() {
            return port;
        }

        public String uri() {
            return "redis://127.0.0.1:" + port;
        }

        String version() {
            return binary.version();
        }

        public synchronized void start() {
            if (process != null && process.isAlive()) return;
            List<String> cmd = new ArrayList<>(List.of(binary.server().toString(), "--port", Integer.toString(port),
                    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no",
                    "--daemonize", "no", "--dir", dir.toString()));
            if (cluster) cmd.addAll(List.of("--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                    "--cluster-node-timeout", "2000"));
            try {
                process = new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile())).start();
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
                while (!ping(port)) {
                    if (!process.isAlive()) throw new IllegalStateException("redis-server exited: " + Files.readString(dir.resolve("redis.log")));
                    if (System.nanoTime() > deadline) throw new IllegalStateException("redis-server did not answer on " + port);
                    Thread.sleep(50);
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        /** Stops the server (its data is lost: no persistence). */
        public synchronized void stop() {
            if (process == null) return;
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }

        @Override
        public void close() {
            stop();
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // best effort: temporary files
            }
        }
    }

    private static boolean ping(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            s.setSoTimeout(1000);
            OutputStream out = s.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            byte[] buf = new byte[64];
            int n = s.getInputStream().read(buf);
            return n > 0 && new String(buf, 0, n, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    /** A free loopback port. */
    public static int freePort() {
        return freePort(false);
    }

    private static int freePort(boolean withBusPort) {
        for (int i = 0; i < 100; i++) {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                int p = s.getLocalPort();
                if (!withBusPort) return p;
                if (p + 10000 > 65535) continue;
                try (ServerSocket bus = new ServerSocket(p + 10000, 1, InetAddress.getLoopbackAddress())) {
                    return p;
                } catch (IOException busTaken) {
                    // try another
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        throw new IllegalStateException("no free port");
    }

    private static Path onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) return null;
        for (String d : path.split(java.io.File.pathSeparator)) {
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) return p;
        }
        return null;
    }

    private static String version(Path server) {
        String out = run(List.of(server.toString(), "--version"), 10);
        Matcher m = Pattern.compile("v=(\\d+\\.\\d+\\.\\d+)").matcher(out);
        if (!m.find()) throw new IllegalStateException("unknown redis version: " + out);
        return m.group(1);
    }

    private static Path extractEmbedded() {
        String arch = System.getProperty("os.arch");
        String resource = arch.contains("aarch64") || arch.contains("arm64")
                ? "/redis-server-6.2.7-linux-arm64" : "/redis-server-6.2.6-v5-linux-amd64";
        try (InputStream in = RedisServers.class.getResourceAsStream(resource)) {
            if (in == null) throw new IllegalStateException("no redis-server on PATH and no embedded binary " + resource);
            Path target = Files.createTempDirectory("hubbub-redis-bin").resolve("redis-server");
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            target.toFile().setExecutable(true);
            return target;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String run(List<String> cmd, int timeoutSeconds) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            byte[] out = p.getInputStream().readAllBytes();
            if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException("timed out: " + cmd);
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
