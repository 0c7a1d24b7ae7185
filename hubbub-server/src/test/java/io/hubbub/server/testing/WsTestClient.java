package io.hubbub.server.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A JDK WebSocket that records what it receives: text messages as String, binary as byte[], and
 * {@link #CLOSED} once the connection ends (close frame or error).
 */
public final class WsTestClient implements AutoCloseable {
    public static final Object CLOSED = new Object() {
        @Override
        public String toString() {
            return "<closed>";
        }
    };

    private final BlockingQueue<Object> received = new LinkedBlockingQueue<>();
    private final WebSocket ws;
    private volatile int closeCode = -1;
    private volatile boolean autoPong;

    private WsTestClient(HttpClient client, String url) {
        ws = client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create(url), new Listener()).join();
    }

    /** Opens the WebSocket; throws (CompletionException) when the server refuses the handshake. */
    public static WsTestClient connect(String url) {
        return new WsTestClient(HttpClient.newHttpClient(), url);
    }

    /** Sends are serialised: the JDK WebSocket refuses a send while another is pending (auto-pongs). */
    public synchronized void send(String text) {
        ws.sendText(text, true).join();
    }

    public synchronized void send(byte[] data) {
        ws.sendBinary(ByteBuffer.wrap(data), true).join();
    }

    /** Next received item within the timeout; fails the test when nothing arrives. */
    public Object next(long timeoutMillis) throws InterruptedException {
        Object item = received.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        if (item == null) {
            throw new AssertionError("nothing received within " + timeoutMillis + " ms");
        }
        return item;
    }

    public Object next() throws InterruptedException {
        return next(3_000);
    }

    public String nextText() throws InterruptedException {
        Object item = next();
        if (!(item instanceof String s)) {
            throw new AssertionError("expected text, got " + describe(item));
        }
        return s;
    }

    /**
     * Next text that is not an Engine.IO PING ("2"). Each skipped ping is answered with a PONG ("3"), as a
     * real client does, so a slow (loaded) test is not closed by the server's heartbeat meanwhile.
     */
    public String nextTextSkippingPings() throws InterruptedException {
        while (true) {
            String text = nextText();
            if (!text.equals("2")) {
                return text;
            }
            send("3");
        }
    }

    /** Waits for the end of the connection, failing if something else arrives first (pings are skipped). */
    public void awaitClose(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
            long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
            Object item = next(Math.max(1, left));
            if (item == CLOSED) {
                return;
            }
            if (!"2".equals(item)) {
                throw new AssertionError("expected close, got " + describe(item));
            }
        }
    }

    private static String describe(Object item) {
        return item instanceof byte[] b ? "binary(" + b.length + ")" : String.valueOf(item);
    }

    /** The status code of the server's close frame (1005 when it carried none), or -1 before a close frame. */
    public int closeCode() {
        return closeCode;
    }

    /**
     * Answers Engine.IO pings ("2") with pongs ("3") as a real client does, and hides them; for tests
     * that are not about heartbeats but run under short heartbeat settings.
     */
    public WsTestClient autoPong() {
        autoPong = true;
        return this;
    }

    @Override
    public void close() {
        ws.abort();
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder text = new StringBuilder();
        private java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                String t = text.toString();
                text.setLength(0);
                if (autoPong && t.equals("2")) send("3");
                else received.add(t);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] chunk = new byte[data.remaining()];
            data.get(chunk);
            binary.writeBytes(chunk);
            if (last) {
                received.add(binary.toByteArray());
                binary = new java.io.ByteArrayOutputStream();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closeCode = statusCode;
            received.add(CLOSED);
            return CompletableFuture.completedFuture(null);
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            received.add(CLOSED);
        }
    }
}
