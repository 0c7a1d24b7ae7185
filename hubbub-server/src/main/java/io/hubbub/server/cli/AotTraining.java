package io.hubbub.server.cli;

import io.hubbub.core.auth.Principal;
import io.hubbub.server.app.HubbubServer;
import io.hubbub.server.config.ConfigLoader;
import io.hubbub.server.config.HubbubConfig;
import io.hubbub.server.logging.LoggingSetup;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The training run of the JDK ahead-of-time cache (JDK 24+ {@code -XX:AOTCache}), started by the
 * launcher after it builds the jar: a real server on 127.0.0.1:0 with a throw-away data directory,
 * driven the way a fresh node is driven by its first clients (HTTP sign-up and ops routes, native
 * and Socket.IO connections authenticated with tokens, rooms created and joined, messages fanned
 * out), then stopped. The JVM records the classes this loads and links (and, on JDK 25, method
 * profiles), so a node started with the cache serves its first clients without paying for class
 * loading and linking.
 *
 * <p>Contract: bounded — every wait has a deadline, so a run ends within about a minute on a loaded
 * machine; it throws if the server misbehaves (the launcher then discards the cache and starts without).
 * It touches nothing outside its temporary directory, which it deletes.
 */
final class AotTraining {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private final int nativeConnections;
    private final int socketIoConnections;
    private final int messages;
    private final PrintWriter out;

    AotTraining(int nativeConnections, int socketIoConnections, int messages, PrintWriter out) {
        this.nativeConnections = nativeConnections;
        this.socketIoConnections = socketIoConnections;
        this.messages = messages;
        this.out = out;
    }

    void run() throws Exception {
        Path dir = Files.createTempDirectory("hubbub-aot-training");
        Map<String, String> o = new LinkedHashMap<>();
        o.put("server.host", "127.0.0.1");
        o.put("server.port", "0");
        o.put("storage.dataDir", dir.toString());
        o.put("logging.level", "WARN");
        for (String limit : List.of("limits.perIp", "limits.perUser", "limits.connectsPerIpPerSecond", "limits.framesPerSecond",
                "limits.frameBurst", "auth.attemptsPerSecond", "auth.attemptBurst"))
            o.put(limit, "100000");
        HubbubConfig config = new ConfigLoader().overrides(o).load().config().resolved();
        LoggingSetup.configure(config.logging());
        long t0 = System.nanoTime();
        HubbubServer server = HubbubServer.start(config);
        HttpClient http = HttpClient.newBuilder().connectTimeout(WAIT).build();
        List<Client> clients = new ArrayList<>();
        try {
            String base = "http://127.0.0.1:" + server.port();
            httpRoutes(http, base);
            String ws = "ws://127.0.0.1:" + server.port();
            for (int i = 0; i < nativeConnections; i++) {
                String token = server.jwt().issue(Principal.user("n" + i, "Native " + i)).token();
                clients.add(new Client(false, http, URI.create(ws + config.server().wsPath() + "?token=" + token), null));
            }
            for (int i = 0; i < socketIoConnections; i++) {
                String token = server.jwt().issue(Principal.user("s" + i, "SocketIO " + i)).token();
                clients.add(new Client(true, http, URI.create(ws + config.socketio().mountPath() + "?EIO=4&transport=websocket"), token));
            }
            for (Client c : clients) c.awaitReady();
            int rooms = Math.max(1, clients.size() / 25);
            for (int r = 0; r < rooms; r++) clients.get(r).request("room:create", "{\"room\":\"train-" + r + "\",\"name\":\"Train " + r + "\"}");
            for (int r = 0; r < rooms; r++) clients.get(r).awaitReply();
            for (int i = rooms; i < clients.size(); i++) clients.get(i).request("room:join", "{\"room\":\"train-" + (i % rooms) + "\"}");
            for (int i = rooms; i < clients.size(); i++) clients.get(i).awaitReply();
            for (int m = 0; m < messages; m++) {
                for (int i = 0; i < clients.size(); i++)
                    clients.get(i).request("message:send", "{\"room\":\"train-" + (i % rooms) + "\",\"data\":{\"text\":\"m" + m + "\"}}");
                for (Client c : clients) c.awaitReply();
            }
            for (Client c : clients) c.request("ping", "{}");
            for (Client c : clients) c.awaitReply();
            long pushes = clients.stream().mapToLong(c -> c.pushes.get()).sum();
            out.printf("hubbub: AOT training: %d native + %d Socket.IO connections, %d rooms, %d pushes received, %d ms%n",
                    nativeConnections, socketIoConnections, rooms, pushes, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
            httpRoutes(http, base);
        } finally {
            for (Client c : clients) c.close();
            server.close();
            http.shutdownNow();
            deleteTree(dir);
        }
    }

    /** Sign-up, sign-in and the ops routes, as a deploy's health checks and first user would. */
    private static void httpRoutes(HttpClient http, String base) throws IOException, InterruptedException {
        String user = "{\"username\":\"trainer" + System.nanoTime() % 100000 + "\",\"password\":\"training-password-1\"}";
        http.send(HttpRequest.newBuilder(URI.create(base + "/api/auth/signup")).timeout(WAIT).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(user)).build(), HttpResponse.BodyHandlers.discarding());
        for (String path : List.of("/health", "/ready", "/info", "/stats", "/metrics"))
            http.send(HttpRequest.newBuilder(URI.create(base + path)).timeout(WAIT).build(), HttpResponse.BodyHandlers.discarding());
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // a temp directory left behind is harmless
        }
    }

    /**
     * One WebSocket client, native or Socket.IO (Engine.IO v4 over WebSocket). Answers are counted
     * with a semaphore: {@link #request} then {@link #awaitReply} waits for one reply or error.
     */
    private static final class Client implements WebSocket.Listener {
        final boolean socketIo;
        final String token;
        final Semaphore ready = new Semaphore(0);
        final Semaphore replies = new Semaphore(0);
        final AtomicLong pushes = new AtomicLong();
        final StringBuilder partial = new StringBuilder();
        volatile WebSocket ws; // set in onOpen: the server may speak before buildAsync completes
        int nextId = 1;

        Client(boolean socketIo, HttpClient http, URI uri, String token) throws Exception {
            this.socketIo = socketIo;
            this.token = token;
            http.newWebSocketBuilder().connectTimeout(WAIT).buildAsync(uri, this).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }

        @Override
        public void onOpen(WebSocket webSocket) {
            ws = webSocket;
            webSocket.request(1);
        }

        void awaitReady() throws InterruptedException {
            if (!ready.tryAcquire(WAIT.toSeconds(), TimeUnit.SECONDS)) throw new IllegalStateException("training: a connection was not accepted");
        }

        void request(String type, String payload) throws Exception {
            int id = nextId++;
            send(socketIo ? "42" + id + "[\"" + type + "\"," + payload + "]"
                    : "{\"type\":\"" + type + "\",\"id\":" + id + ",\"payload\":" + payload + "}");
        }

        void awaitReply() throws InterruptedException {
            if (!replies.tryAcquire(WAIT.toSeconds(), TimeUnit.SECONDS)) throw new IllegalStateException("training: a request got no answer");
        }

        // WebSocket sends must not overlap: each waits for the previous one (bounded).
        synchronized void send(String text) throws Exception {
            ws.sendText(text, true).get(WAIT.toSeconds(), TimeUnit.SECONDS);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String frame = partial.toString();
                partial.setLength(0);
                onFrame(frame);
            }
            webSocket.request(1);
            return null;
        }

        private void onFrame(String f) {
            if (!socketIo) {
                if (f.startsWith("{\"type\":\"reply\"") || f.startsWith("{\"type\":\"error\"")) replies.release();
                else if (f.contains("\"session:welcome\"")) ready.release();
                else pushes.incrementAndGet();
            } else if (f.startsWith("0{")) { // Engine.IO open: join the main namespace with the token
                CompletableFuture.runAsync(() -> {
                    try {
                        send("40{\"token\":\"" + token + "\"}");
                    } catch (Exception e) {
                        ws.abort();
                    }
                });
            } else if (f.startsWith("40")) {
                ready.release();
            } else if (f.startsWith("43")) {
                replies.release();
            } else if (f.equals("2")) {
                CompletableFuture.runAsync(() -> {
                    try {
                        send("3");
                    } catch (Exception e) {
                        ws.abort();
                    }
                });
            } else if (f.startsWith("42")) {
                pushes.incrementAndGet();
            }
        }

        void close() {
            try {
                ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                ws.abort();
            }
        }
    }
}
