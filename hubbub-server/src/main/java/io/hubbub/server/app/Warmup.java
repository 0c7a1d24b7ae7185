package io.hubbub.server.app;

import io.hubbub.core.auth.Principal;
import io.hubbub.core.node.HubbubNode;
import io.hubbub.server.auth.JwtService;
import io.hubbub.server.transport.ConnectionLimiter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntFunction;

/**
 * A fresh node's warm-up ({@code startup.warmupConnections}): before the node binds its public port it
 * connects to itself over a loopback-only listener, the way its first clients will — WebSocket upgrade
 * with a token, {@code session:welcome}, one {@code ping} request and its reply, close; with Socket.IO on,
 * every fifth connection is a Socket.IO client doing the same — so the JVM loads, links and compiles
 * the connect path before any real client waits on it. A fresh JVM otherwise runs that path interpreted
 * and compiles it while serving its first clients. Measured (docs/BENCHMARKS.md, issue 14, 10,000 real
 * connections at 1,000/s): with 30,000 warm-up connections their p99 is 10–32 ms (without: 525 ms) and
 * their CPU 0.97–1.47× ws's (without: 2.2×); the JIT keeps compiling the connect path over the first
 * tens of thousands of connections, so a smaller warm-up leaves more of that to the first clients.
 *
 * <p>Each warm-up connection is a user of its own ({@code hubbub-warmup-<node id>-<n>}, an id no account has),
 * so it touches no real user's state. It counts in the connection metrics like any connection.
 *
 * <p>Contract: bounded — at most {@code connections} connections, {@link #CONCURRENCY} at a time, and
 * it stops at {@code deadline}, or as soon as at least {@link #CONCURRENCY} connections failed and more
 * failed than succeeded (the node refuses them: no point going on); a failed connection is counted,
 * never retried, and never fails the start (warm-up is an optimisation). The client is a minimal raw
 * WebSocket client on virtual threads, so its own cost stays small next to the server's. It runs before
 * the node registers in a cluster, so nobody is routed to a node that is still warming.
 */
public final class Warmup {
    private static final Logger log = LoggerFactory.getLogger(Warmup.class);
    /** Connections in flight at once: enough to keep both event loops busy, few enough to stay far below any limit. */
    static final int CONCURRENCY = 16;
    private static final byte[] PING = "{\"type\":\"ping\",\"id\":1,\"payload\":{}}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] SIO_PING = "420[\"ping\",{}]".getBytes(StandardCharsets.UTF_8);
    /** With Socket.IO on, every this-many-th warm-up connection is a Socket.IO client. */
    static final int SOCKET_IO_EVERY = 5;

    /** Longest wait for the JIT to settle after the warm-up, and the step it is sampled at. */
    static final Duration SETTLE_MAX = Duration.ofSeconds(10), SETTLE_STEP = Duration.ofMillis(250);

    /** What a warm-up did. */
    public record Outcome(int connected, int socketIo, int failed, long millis) {}

    private Warmup() {}

    /**
     * The node's warm-up: each connection a user of its own with a token of this node, the per-IP limits
     * suspended while it runs (nobody else can connect yet); then the warm-up sessions are waited out
     * (bounded) and their garbage collected, so the node starts serving with its memory as a real client
     * will find it.
     */
    static Outcome node(InetSocketAddress loopback, int connections, String wsPath, String socketIoPath, Duration deadline, JwtService jwt,
                        HubbubNode node, ConnectionLimiter limiter) throws InterruptedException {
        Outcome o;
        limiter.suspendPerIpLimits(true);
        try {
            // ids no account has (accounts are UUIDs) and no other node uses: a warm-up session must not pick up a
            // real user's notifications or show them online
            String prefix = "hubbub-warmup-" + node.settings().nodeId() + "-";
            o = run(loopback, wsPath, socketIoPath, connections, deadline, i -> jwt.issue(Principal.user(prefix + i, "warm-up")).token());
        } finally {
            limiter.suspendPerIpLimits(false);
        }
        long t0 = System.nanoTime();
        for (int i = 0; i < 200 && node.connectionCount() > 0; i++) Thread.sleep(25);
        long t1 = System.nanoTime();
        long compiling = settleCompiler(Math.max(0, deadline.toNanos() - (t1 - t0)));
        long t2 = System.nanoTime();
        System.gc(); // once, before serving: the warm-up's sessions are garbage now
        log.info("warm-up: {} sessions left after {} ms; JIT settled in {} ms ({} ms compiling); garbage collected in {} ms",
                node.connectionCount(), TimeUnit.NANOSECONDS.toMillis(t1 - t0), TimeUnit.NANOSECONDS.toMillis(t2 - t1), compiling,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t2));
        return o;
    }

    /**
     * Waits (at most {@link #SETTLE_MAX}, and not past the deadline) until the JIT compilers are nearly idle:
     * the hot methods of the warm-up are still queued for C2 when its last connection closes, and a real
     * client would otherwise wait behind those compilations. Returns the compile time spent while waiting.
     */
    private static long settleCompiler(long leftNanos) throws InterruptedException {
        java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
        if (jit == null || !jit.isCompilationTimeMonitoringSupported()) return 0;
        long end = System.nanoTime() + Math.min(leftNanos, SETTLE_MAX.toNanos());
        long start = jit.getTotalCompilationTime(), last = start;
        while (System.nanoTime() < end) {
            Thread.sleep(SETTLE_STEP.toMillis());
            long now = jit.getTotalCompilationTime();
            if (now - last <= SETTLE_STEP.toMillis() / 10) break; // compilers busy under 10 % of the step: settled
            last = now;
        }
        return jit.getTotalCompilationTime() - start;
    }

    /**
     * Runs the warm-up against {@code loopback}.
     *
     * @param socketIoPath the Socket.IO mount path, or null when Socket.IO is off: every {@link #SOCKET_IO_EVERY}-th
     *                     connection is then a Socket.IO client (Engine.IO v4 over WebSocket)
     * @param token        the token of the {@code i}-th warm-up connection (a user of its own)
     */
    static Outcome run(InetSocketAddress loopback, String wsPath, String socketIoPath, int connections, Duration deadline,
                       IntFunction<String> token) throws InterruptedException {
        long t0 = System.nanoTime();
        long end = t0 + deadline.toNanos();
        AtomicInteger ok = new AtomicInteger(), sio = new AtomicInteger(), failed = new AtomicInteger();
        Semaphore slots = new Semaphore(CONCURRENCY);
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < connections && System.nanoTime() < end; i++) {
                if (!slots.tryAcquire(Math.max(1, end - System.nanoTime()), TimeUnit.NANOSECONDS)) break;
                if (failed.get() >= CONCURRENCY && failed.get() > ok.get()) { // refused (e.g. auth.requireAccount): no use going on
                    slots.release();
                    break;
                }
                int n = i;
                threads.execute(() -> {
                    try {
                        if (socketIoPath != null && n % SOCKET_IO_EVERY == SOCKET_IO_EVERY - 1) {
                            socketIo(loopback, socketIoPath, token.apply(n), end);
                            sio.incrementAndGet();
                        } else {
                            once(loopback, wsPath, token.apply(n), end);
                        }
                        ok.incrementAndGet();
                    } catch (IOException | RuntimeException e) {
                        if (failed.getAndIncrement() == 0) log.debug("warm-up connection failed: {}", e.toString());
                    } finally {
                        slots.release();
                    }
                });
            }
        }
        Outcome o = new Outcome(ok.get(), sio.get(), failed.get(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        log.info("warm-up: {} connections to this node ({} Socket.IO) in {} ms ({} failed) before listening", o.connected(), o.socketIo(),
                o.millis(), o.failed());
        return o;
    }

    /** One native connection: upgrade, welcome, ping → reply, close. Throws if any step does not happen (or at {@code end}). */
    private static void once(InetSocketAddress address, String wsPath, String token, long end) throws IOException {
        try (Socket socket = open(address, end)) {
            OutputStream out = socket.getOutputStream();
            InputStream in = upgrade(socket, address, wsPath + "?token=" + token);
            if (!frame(in).contains("\"session:welcome\"")) throw new IOException("no welcome");
            out.write(maskedText(PING));
            awaitThenClose(in, out, "{\"type\":\"reply\"");
        }
    }

    /**
     * One Socket.IO connection (Engine.IO v4 over WebSocket): the open packet, CONNECT with the token as
     * auth, {@code session:welcome}, a {@code ping} event with an acknowledgement and its ack, close.
     */
    private static void socketIo(InetSocketAddress address, String path, String token, long end) throws IOException {
        try (Socket socket = open(address, end)) {
            OutputStream out = socket.getOutputStream();
            InputStream in = upgrade(socket, address, path + "?EIO=4&transport=websocket");
            if (!frame(in).startsWith("0{")) throw new IOException("no Engine.IO open packet");
            out.write(maskedText(("40{\"token\":\"" + token + "\"}").getBytes(StandardCharsets.US_ASCII)));
            for (int i = 0; ; i++) {
                String f = frame(in);
                if (f.contains("\"session:welcome\"")) break;
                if (f.startsWith("44")) throw new IOException("CONNECT refused"); // the server would wait for another CONNECT
                if (i == 15) throw new IOException("no welcome");
            }
            out.write(maskedText(SIO_PING));
            awaitThenClose(in, out, "430");
        }
    }

    private static Socket open(InetSocketAddress address, long end) throws IOException {
        Socket socket = new Socket();
        try {
            int left = (int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(end - System.nanoTime()));
            socket.connect(address, left);
            socket.setSoTimeout(left);
            socket.setTcpNoDelay(true);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** Sends the WebSocket upgrade for {@code target} and returns the stream positioned after the 101 response's head. */
    private static InputStream upgrade(Socket socket, InetSocketAddress address, String target) throws IOException {
        String upgrade = "GET " + target + " HTTP/1.1\r\nHost: " + address.getHostString() + ":" + address.getPort()
                + "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: d2FybS11cC1jb25uZWN0aW9u\r\n"
                + "Sec-WebSocket-Version: 13\r\n\r\n";
        socket.getOutputStream().write(upgrade.getBytes(StandardCharsets.US_ASCII));
        InputStream in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        String status = head(in);
        if (!status.startsWith("HTTP/1.1 101")) throw new IOException("upgrade refused: " + status.lines().findFirst().orElse(""));
        return in;
    }

    /** Reads frames until one starts with {@code answer} (pushes may come first), then closes the WebSocket. */
    private static void awaitThenClose(InputStream in, OutputStream out, String answer) throws IOException {
        for (int i = 0; i < 16; i++) {
            if (frame(in).startsWith(answer)) {
                out.write(new byte[] {(byte) 0x88, (byte) 0x80, 0, 0, 0, 0}); // close, empty, masked
                return;
            }
        }
        throw new IOException("no answer " + answer);
    }

    /** A client text frame (clients must mask; the all-zero key leaves the bytes as they are). */
    private static byte[] maskedText(byte[] payload) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(payload.length + 8);
        b.put((byte) 0x81);
        if (payload.length < 126) b.put((byte) (0x80 | payload.length));
        else b.put((byte) (0x80 | 126)).putShort((short) payload.length);
        b.putInt(0).put(payload);
        return java.util.Arrays.copyOf(b.array(), b.position());
    }

    /** The upgrade response's head. */
    private static String head(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        while (!sb.toString().endsWith("\r\n\r\n")) {
            sb.append((char) next(in));
            if (sb.length() > 8192) throw new IOException("response head too long");
        }
        return sb.toString();
    }

    /** The next text frame from the server (unmasked; other data and control frames skipped). */
    private static String frame(InputStream in) throws IOException {
        while (true) {
            int b0 = next(in), b1 = next(in) & 0x7f;
            long len = b1 == 126 ? (next(in) << 8) | next(in) : b1 == 127 ? 0 : b1;
            if (b1 == 127) for (int i = 0; i < 8; i++) len = (len << 8) | next(in);
            if (len > (1 << 20)) throw new IOException("frame too large for the warm-up client");
            byte[] payload = in.readNBytes((int) len);
            if (payload.length < len) throw new EOFException("connection closed");
            int opcode = b0 & 0x0f;
            if (opcode == 0x8) throw new EOFException("closed by the server");
            if (opcode == 0x1) return new String(payload, StandardCharsets.UTF_8);
        }
    }

    private static int next(InputStream in) throws IOException {
        int b = in.read();
        if (b < 0) throw new EOFException("connection closed");
        return b;
    }
}
