package io.hubbub.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The connection state machine of one {@link HubbubClient}: NEW → CONNECTING → CONNECTED ⇄
 * RECONNECTING → CLOSED, the current {@link Connection}, the resume token, the reconnect timer and
 * where the next connection goes (the configured server, its fallbacks, or a node a cluster named).
 *
 * <p>Contract: every field that decides a transition is guarded by one lock, and listener
 * notifications are handed to the client's serial dispatcher while holding it, so state changes and
 * close events reach listeners in the order they happened. Nothing here blocks: connects, token
 * fetches and closes are asynchronous, timers run on the shared timer.
 *
 * <p>Frames are not this class's business: a received message goes to the client's frame handler,
 * which calls back {@link #welcomed} and {@link #shutdownNotice}; requests the handshake needs
 * ({@code auth}, the resume) go through the client's request path.
 */
final class Lifecycle {
    private static final Logger log = LoggerFactory.getLogger(Lifecycle.class);
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);
    /** The close code the client reports for its own connection when it moves to another node (reconnects). */
    static final int MOVING = 4000;

    /** How the client sends a request on a given connection (the handshake's {@code auth} and the resume). */
    @FunctionalInterface
    interface Requester {
        CompletableFuture<JsonNode> request(Connection c, String type, ObjectNode payload, Duration timeout);
    }

    private final URI server;
    /** Where the next connection goes: the configured server, or the node a cluster sent us to. */
    private volatile URI target;
    /** The configured server followed by the fallbacks; a failed connect moves to the next. */
    private final List<URI> ring;
    private final Supplier<CompletableFuture<String>> tokens;
    private final String guestName;
    private final AuthMode authMode;
    private final Duration requestTimeout;
    private final Duration connectTimeout;
    private final ObjectMapper mapper;
    private final HttpClient http;
    private final int maxQueuedSends;
    private final int maxInboundChars;
    private final ScheduledExecutorService timer;
    private final SerialDispatcher dispatcher;
    private final RequestRegistry requests;
    private final PositionTracker tracker;
    private final Listeners listeners;
    private final Backoff backoff;
    private final Requester requester;
    private final Connection.Owner owner;

    private final Object lock = new Object();
    // guarded by lock
    private ConnectionState state = ConnectionState.NEW;
    private Connection current;
    private ScheduledFuture<?> reconnectTask;
    private CompletableFuture<Welcome> connectFuture;
    private String resumeToken;
    private long shutdownDelayMs = -1;
    private int ringIndex;

    private volatile Welcome welcome;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    Lifecycle(HubbubClientBuilder b, ScheduledExecutorService timer, SerialDispatcher dispatcher,
              RequestRegistry requests, PositionTracker tracker, Listeners listeners,
              Requester requester, BiConsumer<Connection, String> received) {
        this.server = b.server;
        this.target = b.server;
        List<URI> r = new ArrayList<>();
        r.add(b.server);
        r.addAll(b.fallbacks);
        this.ring = List.copyOf(r);
        this.tokens = b.tokens;
        this.guestName = b.guestName;
        this.authMode = b.guestName != null ? AuthMode.FRAME : b.authMode;
        this.requestTimeout = b.requestTimeout;
        this.connectTimeout = b.connectTimeout;
        this.mapper = b.mapper;
        this.http = b.http != null ? b.http : Shared.http();
        this.maxQueuedSends = b.maxQueuedSends;
        this.maxInboundChars = b.maxInboundChars;
        this.timer = timer;
        this.dispatcher = dispatcher;
        this.requests = requests;
        this.tracker = tracker;
        this.listeners = listeners;
        this.backoff = new Backoff(b.policy, b.random);
        this.requester = requester;
        this.owner = new Connection.Owner() {
            @Override
            public boolean opened(Connection c) {
                return Lifecycle.this.opened(c);
            }

            @Override
            public void received(Connection c, String text) {
                received.accept(c, text);
            }

            @Override
            public void lost(Connection c, int code, String reason) {
                connectionLost(c, code, reason);
            }
        };
        Endpoints.webSocket(server, null); // validate the URI now rather than at connect
    }

    // ---------------------------------------------------------------- the client's public lifecycle

    /** See {@link HubbubClient#connect()}. */
    CompletableFuture<Welcome> connect() {
        synchronized (lock) {
            if (connectFuture != null) {
                return connectFuture.copy();
            }
            if (state == ConnectionState.CLOSED) {
                return CompletableFuture.failedFuture(new HubbubClientException(
                        HubbubClientException.CLIENT_CLOSED, "client is closed"));
            }
            connectFuture = new CompletableFuture<>();
            setState(ConnectionState.CONNECTING);
        }
        attempt();
        return connectFuture.copy();
    }

    /** See {@link HubbubClient#closeAsync()}. */
    CompletableFuture<Void> closeAsync() {
        Connection c;
        synchronized (lock) {
            if (state == ConnectionState.CLOSED) {
                return closed.copy();
            }
            c = current;
            current = null;
            setState(ConnectionState.CLOSED);
            if (reconnectTask != null) {
                reconnectTask.cancel(false);
            }
            failConnectFuture(new HubbubClientException(HubbubClientException.CLIENT_CLOSED, "client closed"));
            fireClose(new CloseEvent(CloseCodes.NORMAL, "client closed", false, true));
        }
        requests.failAll(() -> new HubbubClientException(HubbubClientException.CLIENT_CLOSED, "client closed"));
        if (c == null) {
            finish();
        } else {
            c.detachAndClose(CLOSE_GRACE).whenComplete((v, e) -> finish());
        }
        return closed.copy();
    }

    CompletableFuture<Void> closedFuture() {
        return closed.copy();
    }

    /**
     * Points the next connection at {@code next}; when connected, drops the connection so the client
     * reconnects there at once (no backoff). Returns false if the client is closed; otherwise
     * {@code reconnects[0]} tells whether a reconnect follows (false before the first connect).
     */
    boolean retarget(URI next, boolean[] reconnects) {
        Connection c;
        synchronized (lock) {
            target = next;
            if (state == ConnectionState.CLOSED) {
                return false;
            }
            if (state == ConnectionState.NEW) {
                reconnects[0] = false;
                return true;
            }
            reconnects[0] = true;
            shutdownDelayMs = 0; // reconnect at once (no backoff): the server sent us there
            c = current;
            if (c == null && reconnectTask != null && reconnectTask.cancel(false)) {
                reconnectTask = schedule(this::attempt, 0);
            }
        }
        if (c != null) {
            c.abort(MOVING, "moving to " + next);
        }
        return true;
    }

    URI currentServer() {
        return target;
    }

    ConnectionState state() {
        synchronized (lock) {
            return state;
        }
    }

    Welcome welcome() {
        return welcome;
    }

    /** The connection user requests may use now, or null. */
    Connection readyConnection() {
        synchronized (lock) {
            Connection c = current;
            return c != null && c.authenticated ? c : null;
        }
    }

    // ---------------------------------------------------------------- callbacks of the frame handler

    /** {@code session:welcome} (or the {@code auth} reply) arrived on {@code c}. */
    void welcomed(Connection c, JsonNode payload) {
        if (!c.welcomeSeen.compareAndSet(false, true)) {
            return;
        }
        Welcome w = Welcome.fromJson(payload);
        boolean initial;
        String previousToken;
        synchronized (lock) {
            if (current != c || state == ConnectionState.CLOSED) {
                return;
            }
            c.authenticated = true;
            welcome = w;
            previousToken = resumeToken;
            resumeToken = w.resumeToken();
            backoff.reset();
            initial = state == ConnectionState.CONNECTING;
            if (initial) {
                setState(ConnectionState.CONNECTED);
                CompletableFuture<Welcome> f = connectFuture;
                dispatcher.execute(() -> f.complete(w));
            }
        }
        c.watchHeartbeat(w.heartbeatIntervalMs(), w.heartbeatTimeoutMs());
        if (initial) {
            return;
        }
        recover(c, previousToken).whenComplete((v, e) -> {
            synchronized (lock) {
                if (current == c && state == ConnectionState.RECONNECTING) {
                    setState(ConnectionState.CONNECTED);
                }
            }
        });
    }

    /** {@code server:shutdown}: wait about {@code suggestedMs}, and reconnect to {@code elsewhere} if given. */
    void shutdownNotice(long suggestedMs, URI elsewhere) {
        synchronized (lock) {
            shutdownDelayMs = backoff.shutdownDelayMs(suggestedMs);
            if (elsewhere != null) {
                target = elsewhere; // a draining cluster node names another live node
            }
        }
    }

    // ---------------------------------------------------------------- connecting

    private void attempt() {
        CompletableFuture<String> token;
        if (tokens == null) {
            token = CompletableFuture.completedFuture(null);
        } else {
            try {
                token = Objects.requireNonNull(tokens.get(), "token supplier returned a null future");
            } catch (RuntimeException e) {
                token = CompletableFuture.failedFuture(e);
            }
        }
        token.orTimeout(connectTimeout.toMillis(), TimeUnit.MILLISECONDS).whenComplete((t, err) -> {
            if (err != null) {
                disconnected(CloseCodes.ABNORMAL, "token supplier failed",
                        new HubbubClientException(HubbubClientException.TOKEN_UNAVAILABLE, "token supplier failed",
                                HubbubClient.unwrapCause(err)));
            } else {
                open(t);
            }
        });
    }

    private void open(String token) {
        synchronized (lock) {
            if (state == ConnectionState.CLOSED) {
                return;
            }
        }
        Connection c = new Connection(owner, token, maxInboundChars, maxQueuedSends, dispatcher, timer);
        WebSocket.Builder b = http.newWebSocketBuilder().connectTimeout(connectTimeout);
        if (authMode == AuthMode.HEADER && token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        URI uri = Endpoints.webSocket(target, authMode == AuthMode.QUERY ? token : null);
        CompletableFuture<WebSocket> ws;
        try {
            ws = b.buildAsync(uri, c);
        } catch (RuntimeException e) {
            ws = CompletableFuture.failedFuture(e);
        }
        ws.whenComplete((w, err) -> {
            if (err != null) {
                handshakeFailed(HubbubClient.unwrapCause(err));
            }
        });
    }

    private boolean opened(Connection c) {
        synchronized (lock) {
            if (state == ConnectionState.CLOSED) {
                return false;
            }
            current = c;
        }
        c.expectWelcomeWithin(requestTimeout);
        if (authMode == AuthMode.FRAME && (guestName != null || c.token != null)) {
            sendAuth(c);
        }
        return true;
    }

    private void sendAuth(Connection c) {
        ObjectNode p = mapper.createObjectNode();
        if (guestName != null) {
            p.put("guest", true).put("name", guestName);
        } else {
            p.put("token", c.token);
        }
        requester.request(c, "auth", p, requestTimeout).whenComplete((reply, err) -> {
            if (err == null) {
                welcomed(c, reply);
            } else if (HubbubClient.unwrap(err).fromServer()) {
                synchronized (lock) {
                    failConnectFuture(HubbubClient.unwrap(err)); // a first connect fails with the server's code
                }
                c.abort(4003, "auth refused: " + HubbubClient.unwrap(err).getMessage());
            }
        });
    }

    private void handshakeFailed(Throwable err) {
        int status = err instanceof WebSocketHandshakeException h && h.getResponse() != null
                ? h.getResponse().statusCode() : 0;
        // Map HTTP refusals onto the close codes with the same meaning for reconnecting.
        int code = switch (status) {
            case 401, 403 -> 4003;
            case 429 -> 4029;
            case 503 -> 4503;
            case 400 -> 1002;
            default -> CloseCodes.ABNORMAL;
        };
        String reason = status == 0 ? "cannot connect: " + err : "handshake refused with HTTP " + status;
        if (status == 0 || status == 503) {
            synchronized (lock) {
                if (ring.size() > 1) { // that server is gone or draining: try the next one
                    ringIndex = (ringIndex + 1) % ring.size();
                    target = ring.get(ringIndex);
                }
            }
        }
        disconnected(code, reason, HubbubClientException.handshake(status, reason, err));
    }

    /** A connection (or attempt) ended: decide between reconnecting and closing. */
    private void disconnected(int code, String reason, HubbubClientException cause) {
        synchronized (lock) {
            if (state == ConnectionState.CLOSED) {
                return;
            }
            if (state == ConnectionState.CONNECTING) {
                setState(ConnectionState.CLOSED);
                failConnectFuture(cause);
                fireClose(new CloseEvent(code, reason, false, false));
                finishLater();
                return;
            }
            OptionalLong next = backoff.next(code, shutdownDelayMs);
            if (next.isEmpty()) {
                setState(ConnectionState.CLOSED);
                fireClose(new CloseEvent(code, reason, false, false));
                finishLater();
                return;
            }
            long delay = next.getAsLong();
            shutdownDelayMs = -1;
            fireClose(new CloseEvent(code, reason, true, false));
            if (state != ConnectionState.RECONNECTING) {
                setState(ConnectionState.RECONNECTING);
            }
            log.debug("Hubbub connection ended ({} {}); reconnecting in {} ms", code, reason, delay);
            reconnectTask = schedule(this::attempt, delay);
        }
    }

    /** The connection {@code c} is gone (close frame, error, abort by us); called once per connection. */
    private void connectionLost(Connection c, int code, String reason) {
        synchronized (lock) {
            if (current != c) {
                return;
            }
            current = null;
        }
        requests.failAll(() -> HubbubClientException.closed(HubbubClientException.CONNECTION_CLOSED, code, reason));
        disconnected(code, reason, HubbubClientException.closed(HubbubClientException.CONNECTION_CLOSED, code, reason));
    }

    // ---------------------------------------------------------------- recovery

    private CompletableFuture<Void> recover(Connection c, String previousToken) {
        return new Resumer(tracker, (type, payload) -> requester.request(c, type, payload, requestTimeout),
                this::reportRecovery).recover(previousToken);
    }

    private void reportRecovery(String room, boolean recovered) {
        dispatcher.execute(() -> Listeners.each(listeners.recoveries, l -> l.onRecovery(room, recovered), "recovery"));
    }

    // ---------------------------------------------------------------- helpers

    /** Under lock. */
    private void setState(ConnectionState s) {
        state = s;
        dispatcher.execute(() -> Listeners.each(listeners.states, l -> l.accept(s), "state"));
    }

    /** Under lock. */
    private void fireClose(CloseEvent e) {
        dispatcher.execute(() -> Listeners.each(listeners.closes, l -> l.accept(e), "close"));
    }

    /** Under lock. */
    private void failConnectFuture(HubbubClientException e) {
        CompletableFuture<Welcome> f = connectFuture;
        if (f != null && !f.isDone()) {
            dispatcher.execute(() -> f.completeExceptionally(e));
        }
    }

    private void finishLater() {
        CompletableFuture.runAsync(this::finish, dispatcher);
    }

    /** Fails what is still pending and completes {@link #closedFuture()} (timers were cancelled by their owners). */
    private void finish() {
        requests.failAll(() -> new HubbubClientException(HubbubClientException.CLIENT_CLOSED, "client closed"));
        dispatcher.execute(() -> closed.complete(null));
    }

    private ScheduledFuture<?> schedule(Runnable task, long delayMs) {
        try {
            return timer.schedule(task, delayMs, TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException e) {
            return null; // closed meanwhile
        }
    }
}
