package io.hubbub.bench;

import io.hubbub.bench.load.Endpoint;
import io.hubbub.bench.load.Protocol;
import io.hubbub.core.auth.Principal;
import io.hubbub.server.auth.JwtService;
import io.hubbub.server.config.AuthConfig;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A server under test: how to start it as its own process (so its CPU and RSS can be read from
 * /proc) and how to talk to it. Hubbub runs through the ./hubbub launcher, so it gets exactly the
 * launcher's JVM flags; the floor reference gets the same flags; the peers run on node.
 */
public enum Target {
    HUBBUB_NATIVE("hubbub-native", Protocol.NATIVE),
    HUBBUB_SIO("hubbub-sio", Protocol.SOCKETIO),
    SOCKETIO("socketio", Protocol.SOCKETIO),
    WS("ws", Protocol.NATIVE),
    FLOOR("floor", Protocol.NATIVE),
    /** npm peer (the PeerJS server): only the signal scenario. */
    PEERJS("peerjs", Protocol.PEERJS);

    /** The JVM flags of the ./hubbub launcher, used for the floor reference too. */
    static final List<String> JVM_FLAGS = List.of("--enable-native-access=ALL-UNNAMED", "--add-opens", "java.base/java.nio=ALL-UNNAMED",
            "-Dio.netty.tryReflectionSetAccessible=true", "-XX:+UseSerialGC", "-Xmn16m", "-XX:+ExitOnOutOfMemoryError",
            "-XX:TrimNativeHeapInterval=2000", "--sun-misc-unsafe-memory-access=allow");

    public final String id;
    public final Protocol protocol;

    Target(String id, Protocol protocol) {
        this.id = id;
        this.protocol = protocol;
    }

    public static Target of(String id) {
        for (Target t : values()) if (t.id.equals(id)) return t;
        throw new IllegalArgumentException("unknown target '" + id + "' (hubbub-native, hubbub-sio, socketio, ws, floor, peerjs)");
    }

    boolean isHubbub() {
        return this == HUBBUB_NATIVE || this == HUBBUB_SIO;
    }

    /** Tokens for Hubbub, minted with the dev secret the bench server runs with; peers need none. */
    Endpoint endpoint(int port) {
        if (!isHubbub()) return new Endpoint("127.0.0.1", port, protocol, null);
        JwtService jwt = new JwtService(AuthConfig.DEV_JWT_SECRET.getBytes(StandardCharsets.UTF_8));
        return new Endpoint("127.0.0.1", port, protocol, user -> jwt.issue(Principal.user(user, user)).token())
                .withAdminTokens(user -> jwt.issue(new Principal(user, user, io.hubbub.core.auth.Role.ADMIN, null, 0)).token());
    }

    List<String> command(Path root, int port, Path dataDir, List<String> sets) {
        List<String> cmd = new ArrayList<>();
        switch (this) {
            case HUBBUB_NATIVE, HUBBUB_SIO -> {
                cmd.addAll(List.of(root.resolve("hubbub").toString(), "serve", "--port", String.valueOf(port), "--host", "127.0.0.1",
                        "--data-dir", dataDir.toString()));
                for (String kv : List.of("limits.maxConnections=200000", "limits.perUser=100000", "limits.perIp=200000",
                        "limits.connectsPerIpPerSecond=1000000", "limits.framesPerSecond=1000000", "limits.frameBurst=1000000",
                        "limits.defaultRoomCapacity=200000", "logging.level=WARN", "memory.maxHeapFraction=0.98",
                        "history.maxUserHistorySize=10000")) // the reconnect scenario asks for 10,000 messages
                    cmd.addAll(List.of("--set", kv));
                for (String kv : sets) cmd.addAll(List.of("--set", kv));
            }
            case SOCKETIO -> cmd.addAll(List.of("node", root.resolve("bench/peers/socketio-server.js").toString(), String.valueOf(port)));
            case PEERJS -> cmd.addAll(List.of("node", root.resolve("bench/peers/peerjs-server.js").toString(), String.valueOf(port)));
            case WS -> cmd.addAll(List.of("node", root.resolve("bench/peers/ws-server.js").toString(), String.valueOf(port)));
            case FLOOR -> {
                cmd.add(ProcessHandle.current().info().command().orElse("java"));
                cmd.addAll(JVM_FLAGS);
                cmd.addAll(List.of("-cp", root.resolve("hubbub-bench/target/hubbub-bench.jar").toString(),
                        "io.hubbub.bench.floor.FloorServer", String.valueOf(port)));
            }
        }
        return cmd;
    }

    /** A started server process; closing it stops the process (and its children). */
    public record Running(Target target, Process process, int port, Endpoint endpoint) implements AutoCloseable {
        public long pid() {
            // The launcher execs java, and node runs the server itself: the started process is the server.
            return process.pid();
        }

        @Override
        public void close() {
            process.descendants().forEach(ProcessHandle::destroy);
            process.destroy();
            try {
                if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Starts the server on a free port and waits until it accepts connections (at most 90 s). */
    public Running start(Path root, Path workDir) throws IOException, InterruptedException {
        return start(root, workDir, List.of());
    }

    /** Starts the server with extra {@code key=value} settings (Hubbub only: {@code --set}). */
    public Running start(Path root, Path workDir, List<String> sets) throws IOException, InterruptedException {
        if (this == SOCKETIO || this == WS || this == PEERJS) Peers.install(root);
        int port = freePort();
        Path data = Files.createDirectories(workDir.resolve(id + "-data-" + port));
        Path log = workDir.resolve(id + ".log");
        Process p = new ProcessBuilder(command(root, port, data, sets)).directory(root.toFile())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> { if (p.isAlive()) p.destroy(); })); // no orphans when interrupted
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) throw new IOException(id + " exited with " + p.exitValue() + "; see " + log);
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                Thread.sleep(300);
                return new Running(this, p, port, endpoint(port));
            } catch (IOException notYet) {
                Thread.sleep(200);
            }
        }
        p.destroyForcibly();
        throw new IOException(id + " did not listen on " + port + " within 90 s; see " + log);
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
