package io.hubbub.client;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * One WebSocket connection of a {@link HubbubClient}: assembles fragmented text messages, reads only
 * as fast as the callback dispatcher keeps up, serialises writes (the JDK allows one outstanding
 * send), and watches for a silent server.
 *
 * <p>The JDK invokes the listener methods sequentially, so {@link Owner#received} sees complete
 * messages one at a time in receive order, each handled fully before the next is requested.
 * {@link Owner#lost} is called at most once, and never after {@link #detach()}.
 */
final class Connection implements WebSocket.Listener {
    private static final Logger log = LoggerFactory.getLogger(Connection.class);

    interface Owner {
        /** The socket is open; return false if the client no longer wants it (it is then aborted). */
        boolean opened(Connection c);

        /** One complete text message. */
        void received(Connection c, String text);

        /** The connection ended (close frame, error, or an {@link #abort} of ours). */
        void lost(Connection c, int code, String reason);
    }

    final String token;
    private final Owner owner;
    private final FragmentAssembler assembler;
    private final int maxQueuedSends;
    private final SerialDispatcher dispatcher;
    private final ScheduledExecutorService timer;
    private final AtomicBoolean ended = new AtomicBoolean();
    final AtomicBoolean welcomeSeen = new AtomicBoolean();
    private final CompletableFuture<Void> inputClosed = new CompletableFuture<>();
    private volatile WebSocket ws;
    /** Set once {@code session:welcome} arrived: user requests may use this connection. */
    volatile boolean authenticated;
    private volatile long lastInboundNanos = System.nanoTime();
    private volatile ScheduledFuture<?> welcomeTimer;
    private volatile ScheduledFuture<?> heartbeatTimer;
    // guarded by this
    private CompletableFuture<?> sendTail = CompletableFuture.completedFuture(null);
    private int queuedSends;

    Connection(Owner owner, String token, int maxInboundChars, int maxQueuedSends,
               SerialDispatcher dispatcher, ScheduledExecutorService timer) {
        this.owner = owner;
        this.token = token;
        this.assembler = new FragmentAssembler(maxInboundChars);
        this.maxQueuedSends = maxQueuedSends;
        this.dispatcher = dispatcher;
        this.timer = timer;
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        ws = webSocket;
        if (!owner.opened(this)) {
            ended.set(true);
            webSocket.abort();
            return;
        }
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        lastInboundNanos = System.nanoTime();
        String text;
        try {
            text = assembler.append(data, last);
        } catch (FragmentAssembler.MessageTooLargeException e) {
            log.warn("closing the connection: {}", e.getMessage());
            abort(CloseCodes.TOO_BIG, e.getMessage());
            return null;
        }
        if (text == null) {
            webSocket.request(1);
            return null;
        }
        if (ended.get()) {
            return null;
        }
        owner.received(this, text);
        if (dispatcher.hasRoom(() -> webSocket.request(1))) {
            webSocket.request(1);
        }
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        log.debug("ignoring a binary frame from the server");
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
        lastInboundNanos = System.nanoTime(); // the JDK answers the pong itself
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        lastInboundNanos = System.nanoTime();
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        inputClosed.complete(null);
        lost(statusCode, reason);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        inputClosed.complete(null);
        lost(CloseCodes.ABNORMAL, String.valueOf(error));
    }

    private void lost(int code, String reason) {
        if (ended.compareAndSet(false, true)) {
            stopTimers();
            owner.lost(this, code, reason);
        }
    }

    /** Drops the socket at once and reports it lost with {@code code}. */
    void abort(int code, String reason) {
        WebSocket w = ws;
        if (w != null) {
            w.abort();
        }
        lost(code, reason);
    }

    boolean ended() {
        return ended.get();
    }

    /** Writes one text frame after those queued before it; fails with a {@link HubbubClientException}. */
    CompletableFuture<Void> send(String text) {
        WebSocket w = ws;
        CompletableFuture<WebSocket> sent;
        synchronized (this) {
            if (queuedSends >= maxQueuedSends) {
                return CompletableFuture.failedFuture(new HubbubClientException(HubbubClientException.SEND_QUEUE_FULL,
                        maxQueuedSends + " frames are already waiting to be written"));
            }
            queuedSends++;
            sent = sendTail.handle((r, e) -> null).thenCompose(v -> w.sendText(text, true));
            sendTail = sent;
        }
        return sent.handle((r, e) -> {
            synchronized (this) {
                queuedSends--;
            }
            if (e != null) {
                Throwable cause = e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
                throw new CompletionException(new HubbubClientException(HubbubClientException.SEND_FAILED,
                        "cannot write frame: " + cause, cause));
            }
            return null;
        });
    }

    /**
     * For {@link HubbubClient#close()}: stops reporting, sends close 1000 after the queued frames,
     * waits up to {@code grace} for the server's close, then aborts.
     */
    CompletableFuture<Void> detachAndClose(Duration grace) {
        ended.set(true);
        stopTimers();
        WebSocket w = ws;
        if (w == null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<WebSocket> closing;
        synchronized (this) {
            closing = sendTail.handle((r, e) -> null).thenCompose(v -> w.sendClose(CloseCodes.NORMAL, "client closed"));
        }
        return closing.handle((r, e) -> null)
                .thenCompose(v -> inputClosed)
                .orTimeout(grace.toMillis(), TimeUnit.MILLISECONDS)
                .handle((r, e) -> {
                    w.abort();
                    return null;
                });
    }

    /** Aborts unless {@code session:welcome} arrives within {@code timeout}. */
    void expectWelcomeWithin(Duration timeout) {
        welcomeTimer = schedule(() -> {
            if (!authenticated) {
                abort(CloseCodes.ABNORMAL, "no session:welcome within " + timeout.toMillis() + " ms");
            }
        }, timeout.toMillis(), 0);
    }

    /**
     * Aborts with 4009 when nothing (not even a ping) arrived for {@code timeoutMs}: a server that
     * vanished without closing the TCP connection is noticed, as the server notices a silent client.
     */
    void watchHeartbeat(long intervalMs, long timeoutMs) {
        ScheduledFuture<?> t = welcomeTimer;
        if (t != null) {
            t.cancel(false);
        }
        if (timeoutMs <= 0) {
            return;
        }
        long period = Math.max(250, Math.min(intervalMs, timeoutMs) / 2);
        heartbeatTimer = schedule(() -> {
            long silentMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastInboundNanos);
            if (silentMs > timeoutMs) {
                abort(CloseCodes.HEARTBEAT_TIMEOUT, "no traffic from the server for " + silentMs + " ms");
            }
        }, period, period);
    }

    private ScheduledFuture<?> schedule(Runnable task, long delayMs, long periodMs) {
        try {
            return periodMs > 0
                    ? timer.scheduleAtFixedRate(task, delayMs, periodMs, TimeUnit.MILLISECONDS)
                    : timer.schedule(task, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null; // the client is closing
        }
    }

    private void stopTimers() {
        for (ScheduledFuture<?> t : new ScheduledFuture<?>[]{welcomeTimer, heartbeatTimer}) {
            if (t != null) {
                t.cancel(false);
            }
        }
    }
}
