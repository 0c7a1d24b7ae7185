package io.hubbub.server.cluster;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A non-sticky HTTP load balancer for tests: each request (not each connection) goes to the next
 * backend in turn, so consecutive polls of one Engine.IO session alternate between nodes. Plain
 * HTTP only (no WebSocket upgrades). Every request is recorded with its backend and status.
 */
final class RoundRobinBalancer implements AutoCloseable {
    private static final Set<String> HOP = Set.of("connection", "content-length", "host", "transfer-encoding",
            "upgrade", "expect", "keep-alive");

    record Hop(String method, String uri, int backend, int status) {}

    private final List<String> backends;
    private final AtomicInteger next = new AtomicInteger();
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2)).executor(threads).build();
    private final HttpServer server;
    final List<Hop> hops = new CopyOnWriteArrayList<>();

    RoundRobinBalancer(List<String> backends) throws IOException {
        this.backends = List.copyOf(backends);
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        server.setExecutor(threads); // a held long-poll occupies one virtual thread
        server.createContext("/", this::proxy);
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    private void proxy(HttpExchange ex) throws IOException {
        int backend = Math.floorMod(next.getAndIncrement(), backends.size());
        try (ex; InputStream in = ex.getRequestBody()) {
            byte[] body = in.readAllBytes();
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(backends.get(backend) + ex.getRequestURI()))
                    .timeout(Duration.ofSeconds(60))
                    .method(ex.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(body));
            ex.getRequestHeaders().forEach((name, values) -> {
                if (!HOP.contains(name.toLowerCase())) values.forEach(v -> b.header(name, v));
            });
            HttpResponse<byte[]> r;
            try {
                r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException(e);
            } catch (IOException e) {
                hops.add(new Hop(ex.getRequestMethod(), ex.getRequestURI().toString(), backend, 502));
                ex.sendResponseHeaders(502, -1);
                return;
            }
            hops.add(new Hop(ex.getRequestMethod(), ex.getRequestURI().toString(), backend, r.statusCode()));
            r.headers().map().forEach((name, values) -> {
                if (!HOP.contains(name.toLowerCase()) && !name.startsWith(":")) ex.getResponseHeaders().put(name, values);
            });
            ex.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(r.body());
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        client.shutdownNow();
        threads.shutdownNow();
    }
}
