package io.hubbub.server.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.protocol.Json;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A test client speaking the native protocol over the JDK's WebSocket, frame by frame, so tests see
 * exactly what the server sends. {@link #request} sends a frame with a fresh id and returns the
 * answer's frame; other frames stay queued for {@link #event}/{@link #next}.
 */
public final class NativeClient implements AutoCloseable {
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    public static final long WAIT_MS = 5000;

    private final WebSocket ws;
    private final LinkedBlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
    private final List<JsonNode> held = new ArrayList<>();
    private final AtomicLong ids = new AtomicLong();
    private final CompletableFuture<int[]> closed = new CompletableFuture<>();
    private volatile String closeReason;

    private NativeClient(WebSocket.Builder b, String url) {
        try {
            this.ws = b.connectTimeout(Duration.ofSeconds(5)).buildAsync(URI.create(url), new Listener()).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("connect failed: " + url, e);
        }
    }

    public static NativeClient connect(String url) {
        return new NativeClient(HTTP.newWebSocketBuilder(), url);
    }

    public static NativeClient connect(String url, String header, String value) {
        return new NativeClient(HTTP.newWebSocketBuilder().header(header, value), url);
    }

    public void sendRaw(String text) {
        ws.sendText(text, true).join();
    }

    public void sendBinary(byte[] data) {
        ws.sendBinary(ByteBuffer.wrap(data), true).join();
    }

    public long send(String type, JsonNode payload) {
        long id = ids.incrementAndGet();
        ObjectNode f = Json.object().put("type", type).put("id", id);
        f.set("payload", payload);
        sendRaw(f.toString());
        return id;
    }

    /** Sends a request and returns its answer frame ({@code reply} or {@code error}). */
    public JsonNode request(String type, JsonNode payload) {
        long id = send(type, payload);
        return take(f -> f.path("id").asLong(-1) == id && (f.path("type").asText().equals("reply") || f.path("type").asText().equals("error")));
    }

    /** Sends a request and returns the reply payload; fails on an error answer. */
    public JsonNode ok(String type, JsonNode payload) {
        JsonNode f = request(type, payload);
        if (!"reply".equals(f.path("type").asText())) throw new AssertionError(type + " failed: " + f);
        return f.get("payload");
    }

    /** Sends a request that must fail; returns the error payload {code, message}. */
    public JsonNode error(String type, JsonNode payload) {
        JsonNode f = request(type, payload);
        if (!"error".equals(f.path("type").asText())) throw new AssertionError(type + " should have failed: " + f);
        return f.get("payload");
    }

    /** The next pushed event of this type (earlier frames of other types stay queued). */
    public JsonNode event(String type) {
        return take(f -> type.equals(f.path("type").asText())).get("payload");
    }

    /** The next frame, whatever it is. */
    public JsonNode next() {
        return take(f -> true);
    }

    /** Whether a frame matching the predicate arrives within the time (for "must not arrive" checks). */
    public boolean sees(Predicate<JsonNode> p, long millis) {
        try {
            take(p, millis);
            return true;
        } catch (AssertionError e) {
            return false;
        }
    }

    public JsonNode take(Predicate<JsonNode> p) {
        return take(p, WAIT_MS);
    }

    public synchronized JsonNode take(Predicate<JsonNode> p, long millis) {
        for (Iterator<JsonNode> it = held.iterator(); it.hasNext(); ) {
            JsonNode f = it.next();
            if (p.test(f)) {
                it.remove();
                return f;
            }
        }
        long until = System.currentTimeMillis() + millis;
        try {
            while (true) {
                long left = until - System.currentTimeMillis();
                JsonNode f = left <= 0 ? null : inbox.poll(left, TimeUnit.MILLISECONDS);
                if (f == null) throw new AssertionError("no matching frame within " + millis + " ms; held: " + held);
                if (p.test(f)) return f;
                held.add(f);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Frames received and not yet taken (drains the inbox without waiting). */
    public synchronized List<JsonNode> pending() {
        inbox.drainTo(held);
        return List.copyOf(held);
    }

    /** Waits for the server to close; returns the close code. */
    public int awaitClose() {
        try {
            return closed.get(WAIT_MS * 3, TimeUnit.MILLISECONDS)[0];
        } catch (Exception e) {
            throw new AssertionError("connection was not closed", e);
        }
    }

    public String closeReason() {
        return closeReason;
    }

    public boolean isClosed() {
        return closed.isDone();
    }

    /** Drops the TCP connection without a close handshake (like a crash or network loss). */
    public void abort() {
        ws.abort();
    }

    @Override
    public void close() {
        if (!closed.isDone()) {
            try {
                ws.sendClose(1000, "bye").get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                ws.abort();
            }
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder buf = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket w, CharSequence data, boolean last) {
            buf.append(data);
            if (last) {
                try {
                    inbox.add(Json.MAPPER.readTree(buf.toString()));
                } catch (IOException e) {
                    inbox.add(Json.object().put("type", "unparseable").put("raw", buf.toString()));
                }
                buf.setLength(0);
            }
            w.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
            closeReason = reason;
            closed.complete(new int[] {code});
            return null;
        }

        @Override
        public void onError(WebSocket w, Throwable error) {
            closed.complete(new int[] {-1});
        }
    }
}
