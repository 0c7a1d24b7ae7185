package io.hubbub.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.client.InboundFrame.Failure;
import io.hubbub.client.InboundFrame.Push;
import io.hubbub.client.InboundFrame.Reply;
import io.hubbub.client.RequestRegistry.Pending;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A client of Hubbub's native protocol (docs/PROTOCOL.md) over the JDK's WebSocket.
 *
 * <h2>Guarantees</h2>
 * <ul>
 * <li>Every request future completes exactly once: with the reply payload, or with a
 *     {@link HubbubClientException} for an {@code error} answer (server code), a timeout, the
 *     connection closing while it was in flight, or {@link #close()}. None is left hanging.</li>
 * <li>After an unexpected drop the client reconnects with exponential backoff and full jitter,
 *     presents its resume token and room positions ({@code session:resume}), re-joins with
 *     {@code since} what the server did not resume, and tells {@link #onRecovery} listeners per room
 *     whether the missed messages were recovered. Close codes 1000, 1002, 1003, 1009, 4001, 4003 and
 *     4010, 4011 (and a 401/403 handshake) end the client instead; 4029/4503 back off longer;
 *     {@code server:shutdown} sets the next delay to the server's suggestion plus jitter, and its
 *     {@code url} (another node of a cluster) becomes the server to reconnect to.</li>
 * <li>A {@code moved} answer to {@link #join} is followed: reconnect to the owner node it names,
 *     resume there, join again ({@link #moveTo}).</li>
 * <li>Requests made while not connected fail at once with {@code not_connected}; they are not queued.</li>
 * <li>Bounded: requests in flight, frames waiting to be written, callbacks waiting to run (the client
 *     stops reading from the socket while listeners are behind, so a slow listener shows up as
 *     server-side backpressure, not as client memory) and the size of one incoming message.</li>
 * </ul>
 *
 * <h2>Threading</h2>
 * All public methods may be called from any thread. Listeners ({@link #on}, {@link #onAny},
 * {@link #onState}, {@link #onClose}, {@link #onRecovery}) and the completion of every future this
 * client returns run on the callback executor, one at a time, in the order the events were received:
 * a reply's future completes after the listeners of every push received before that reply (e.g. the
 * missed messages a join with {@code since} replays). Do not block in a callback waiting for a later
 * event of the same client (e.g. {@code request(…).join()}): it would wait forever, since later
 * events run after it. The default callback executor starts a virtual thread per batch of callbacks.
 * (As with any CompletableFuture, a non-async stage added to a returned future normally runs on the
 * callback executor, but may run on a thread that is blocked in {@code get()/join()} on the same
 * future at that moment; use the {@code …Async} variants when the thread matters.)
 */
public final class HubbubClient implements RoomCommands, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HubbubClient.class);
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

    private final URI server;
    /** Where the next connection goes: the configured server, or the node a cluster sent us to. */
    private volatile URI target;
    /** The configured server followed by the fallbacks; a failed connect moves to the next. */
    private final List<URI> ring;
    private int ringIndex; // guarded by lock
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
    private final PositionTracker tracker = new PositionTracker();
    private final Backoff backoff;
    private final Frames frames;
    private final Listeners listeners = new Listeners();

    private final Object lock = new Object();
    // guarded by lock
    private ConnectionState state = ConnectionState.NEW;
    private Connection current;
    private ScheduledFuture<?> reconnectTask;
    private CompletableFuture<Welcome> connectFuture;
    private String resumeToken;
    private long shutdownDelayMs = -1;
    // written under lock, read anywhere
    private volatile Welcome welcome;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();

    HubbubClient(HubbubClientBuilder b) {
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
        this.timer = Shared.timer();
        Executor callbacks = b.callbackExecutor != null ? b.callbackExecutor
                : task -> Thread.ofVirtual().name("hubbub-client-callbacks").start(task);
        this.dispatcher = new SerialDispatcher(callbacks, b.maxQueuedCallbacks);
        this.requests = new RequestRegistry(b.maxInFlight, timer, dispatcher);
        this.backoff = new Backoff(b.policy, b.random);
        this.frames = new Frames(mapper);
        Endpoints.webSocket(server, null); // validate the URI now rather than at connect
    }

    public static HubbubClientBuilder builder(URI server) {
        return new HubbubClientBuilder(server);
    }

    public static HubbubClientBuilder builder(String server) {
        return new HubbubClientBuilder(URI.create(server));
    }

    // ---------------------------------------------------------------- lifecycle

    /**
     * Opens the connection. Completes with the {@code session:welcome} payload, or fails (and the
     * client is then {@link ConnectionState#CLOSED}) if the first attempt fails: the first connect does
     * not retry, so configuration errors show at once. Calling it again returns the same outcome.
     */
    public CompletableFuture<Welcome> connect() {
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

    /** Closes normally (code 1000) without waiting; see {@link #closeAsync()}. */
    @Override
    public void close() {
        closeAsync();
    }

    /**
     * Stops reconnecting, fails requests in flight with {@code client_closed}, sends a normal close
     * and completes once the server answered it (or after a short grace, then the socket is aborted).
     * Idempotent.
     */
    public CompletableFuture<Void> closeAsync() {
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

    /** Completes when the client has reached {@link ConnectionState#CLOSED} and failed everything pending. */
    public CompletableFuture<Void> closedFuture() {
        return closed.copy();
    }

    // ---------------------------------------------------------------- requests

    /** Sends a request and completes with the {@code reply} payload (see the class guarantees). */
    @Override
    public CompletableFuture<JsonNode> request(String type, JsonNode payload) {
        return request(type, payload, requestTimeout);
    }

    public CompletableFuture<JsonNode> request(String type, Map<String, ?> payload) {
        return request(type, toObject(payload), requestTimeout);
    }

    @Override
    public CompletableFuture<JsonNode> request(String type) {
        return request(type, (JsonNode) null, requestTimeout);
    }

    /**
     * As {@link #request(String, JsonNode)} with its own timeout.
     *
     * @throws IllegalArgumentException synchronously for a blank type or a payload that is not an object
     */
    public CompletableFuture<JsonNode> request(String type, JsonNode payload, Duration timeout) {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(timeout, "timeout");
        ObjectNode body = toObject(payload);
        Connection c = readyConnection();
        if (c == null) {
            return CompletableFuture.failedFuture(notReady());
        }
        return requestOn(c, type, body, timeout);
    }

    /**
     * Sends a frame without an id: no answer on success (the server still sends an {@code error}
     * push on failure, see {@link #on} with type {@code error}). Completes when written to the socket.
     */
    public CompletableFuture<Void> send(String type, JsonNode payload) {
        Objects.requireNonNull(type, "type");
        String text = frames.encode(type, null, toObject(payload));
        Connection c = readyConnection();
        if (c == null) {
            return CompletableFuture.failedFuture(notReady());
        }
        return c.send(text);
    }

    public CompletableFuture<Void> send(String type, Map<String, ?> payload) {
        return send(type, toObject(payload));
    }

    // ---------------------------------------------------------------- cluster moves (the room vocabulary is in RoomCommands)

    /** Most {@code moved} redirects one join follows (two nodes disagreeing about the owner must not loop). */
    static final int MAX_MOVES = 3;
    /** The close code the client reports for its own connection when it moves to another node (reconnects). */
    static final int MOVING = 4000;

    /** The server the client connects to now (the configured one, or where a cluster sent it). */
    public URI currentServer() {
        return target;
    }

    /**
     * Connects to another server (e.g. another node of the cluster) from now on. When connected, the
     * current connection is dropped and the client reconnects there at once, resuming its session
     * (rooms, topics, positions); the future completes when that is done, and fails if the client
     * closes meanwhile. Before the first connect it only changes where {@link #connect()} goes.
     *
     * @throws IllegalArgumentException if {@code url} is not an http(s)/ws(s) URL with a host
     */
    @Override
    public CompletableFuture<Void> moveTo(String url) {
        URI next = URI.create(url);
        Endpoints.webSocket(next, null); // validates
        CompletableFuture<Void> done = new CompletableFuture<>();
        boolean[] leftConnected = {false};
        Subscription[] sub = new Subscription[1];
        sub[0] = onState(st -> {
            if (st == ConnectionState.RECONNECTING) {
                leftConnected[0] = true;
            } else if (st == ConnectionState.CONNECTED && leftConnected[0]) {
                done.complete(null);
            } else if (st == ConnectionState.CLOSED) {
                done.completeExceptionally(new HubbubClientException(HubbubClientException.CLIENT_CLOSED, "client closed while moving"));
            }
        });
        done.whenComplete((v, e) -> sub[0].unsubscribe());
        Connection c;
        synchronized (lock) {
            target = next;
            if (state == ConnectionState.CLOSED) {
                done.completeExceptionally(new HubbubClientException(HubbubClientException.CLIENT_CLOSED, "client is closed"));
                return done;
            }
            if (state == ConnectionState.NEW) {
                done.complete(null);
                return done;
            }
            shutdownDelayMs = 0; // reconnect at once (no backoff): the server sent us there
            c = current;
            if (c == null && reconnectTask != null && reconnectTask.cancel(false)) {
                reconnectTask = schedule(this::attempt, 0);
            }
        }
        if (c != null) {
            c.abort(MOVING, "moving to " + url);
        }
        return done.orTimeout(connectTimeout.plus(requestTimeout).multipliedBy(2).toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public ObjectMapper objectMapper() {
        return mapper;
    }

    // ---------------------------------------------------------------- listeners

    /** Pushes of one type ({@code message:new}, …; {@code error} for errors not tied to a request). */
    public Subscription on(String type, Consumer<JsonNode> listener) {
        return listeners.on(Objects.requireNonNull(type), Objects.requireNonNull(listener));
    }

    /** Every push, with its type (after the typed listeners of the same push). */
    public Subscription onAny(BiConsumer<String, JsonNode> listener) {
        return listeners.onAny(Objects.requireNonNull(listener));
    }

    public Subscription onState(Consumer<ConnectionState> listener) {
        return Listeners.add(listeners.states, Objects.requireNonNull(listener));
    }

    /** Every end of a connection or failed attempt, including those followed by a reconnect. */
    public Subscription onClose(Consumer<CloseEvent> listener) {
        return Listeners.add(listeners.closes, Objects.requireNonNull(listener));
    }

    public Subscription onRecovery(RecoveryListener listener) {
        return Listeners.add(listeners.recoveries, Objects.requireNonNull(listener));
    }

    // ---------------------------------------------------------------- state

    public ConnectionState state() {
        synchronized (lock) {
            return state;
        }
    }

    /** The latest {@code session:welcome}, or null before the first. */
    public Welcome welcome() {
        return welcome;
    }

    /** Rooms the client is in (and will recover after a reconnect). */
    public Set<String> rooms() {
        return tracker.rooms();
    }

    public Set<String> topics() {
        return tracker.topics();
    }

    /** The latest position seen in a room. */
    public Optional<Position> position(String room) {
        return Optional.ofNullable(tracker.roomPosition(room));
    }

    /** Latest position per room, for rooms that have one. */
    public Map<String, Position> positions() {
        return tracker.roomPositions();
    }

    public Optional<Position> topicPosition(String topic) {
        return Optional.ofNullable(tracker.topicPosition(topic));
    }

    /** Requests awaiting an answer. */
    public int inFlight() {
        return requests.size();
    }

    // ---------------------------------------------------------------- internals: connecting

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
                        new HubbubClientException(HubbubClientException.TOKEN_UNAVAILABLE, "token supplier failed", unwrapCause(err)));
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
                handshakeFailed(unwrapCause(err));
            }
        });
    }

    /** The client's side of its connections (kept private: the Owner methods are not public API). */
    private final Connection.Owner owner = new Connection.Owner() {
        @Override
        public boolean opened(Connection c) {
            return HubbubClient.this.opened(c);
        }

        @Override
        public void received(Connection c, String text) {
            receive(c, text);
        }

        @Override
        public void lost(Connection c, int code, String reason) {
            connectionLost(c, code, reason);
        }
    };

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
        requestOn(c, "auth", p, requestTimeout).whenComplete((reply, err) -> {
            if (err == null) {
                welcomed(c, reply);
            } else if (unwrap(err).fromServer()) {
                synchronized (lock) {
                    failConnectFuture(unwrap(err)); // a first connect fails with the server's code
                }
                c.abort(4003, "auth refused: " + unwrap(err).getMessage());
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

    /** {@code session:welcome} (or the {@code auth} reply) arrived on {@code c}. */
    private void welcomed(Connection c, JsonNode payload) {
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

    // ---------------------------------------------------------------- internals: recovery

    private CompletableFuture<Void> recover(Connection c, String previousToken) {
        return new Resumer(tracker, (type, payload) -> requestOn(c, type, payload, requestTimeout), this::reportRecovery)
                .recover(previousToken);
    }

    private void reportRecovery(String room, boolean recovered) {
        dispatcher.execute(() -> Listeners.each(listeners.recoveries, l -> l.onRecovery(room, recovered), "recovery"));
    }

    // ---------------------------------------------------------------- internals: frames

    private CompletableFuture<JsonNode> requestOn(Connection c, String type, ObjectNode payload, Duration timeout) {
        Pending p;
        try {
            p = requests.register(type, payload, timeout);
        } catch (HubbubClientException e) {
            return CompletableFuture.failedFuture(e);
        }
        String text;
        try {
            text = frames.encode(type, p.id(), payload);
        } catch (IllegalArgumentException e) {
            requests.take(p.id());
            throw e;
        }
        c.send(text).whenComplete((v, err) -> {
            if (err != null) {
                Pending unsent = requests.take(p.id());
                if (unsent != null) {
                    requests.reject(unsent, unwrap(err));
                }
            }
        });
        return p.future();
    }

    /** One complete text message from {@code c}, on the socket's receive path. */
    private void receive(Connection c, String text) {
        InboundFrame frame;
        try {
            frame = frames.decode(text);
        } catch (IllegalArgumentException e) {
            log.warn("ignoring an undecodable frame from the server: {}", e.getMessage());
            return;
        }
        switch (frame) {
            case Reply r -> {
                Pending p = requests.take(r.id());
                if (p == null) {
                    log.debug("reply to unknown or expired request {}", r.id());
                    return;
                }
                tracker.onReply(p.type(), p.payload(), r.payload());
                requests.resolve(p, r.payload());
            }
            case Failure f when f.id() != null -> {
                Pending p = requests.take(f.id());
                if (p != null) {
                    requests.reject(p, HubbubClientException.server(f.code(), f.message(), f.payload().get("details")));
                }
            }
            case Failure f -> push("error", f.payload());
            case Push p -> {
                switch (p.type()) {
                    case "session:welcome" -> welcomed(c, p.payload());
                    case "server:shutdown" -> {
                        long suggested = p.payload().path("reconnectAfterMs").asLong(2000);
                        URI elsewhere = parseTarget(p.payload().path("url").asText(null));
                        synchronized (lock) {
                            shutdownDelayMs = backoff.shutdownDelayMs(suggested);
                            if (elsewhere != null) {
                                target = elsewhere; // a draining cluster node names another live node
                            }
                        }
                    }
                    default -> tracker.onPush(p.type(), p.payload());
                }
                push(p.type(), p.payload());
            }
        }
    }

    /** A server-given URL to connect to next, or null if absent or unusable (then the current one is kept). */
    static URI parseTarget(String url) {
        if (url == null || url.isBlank()) {
            return null;
        }
        try {
            URI u = URI.create(url);
            Endpoints.webSocket(u, null);
            return u;
        } catch (IllegalArgumentException e) {
            log.warn("ignoring unusable server url {}", url);
            return null;
        }
    }

    private void push(String type, JsonNode payload) {
        if (listeners.wants(type)) {
            dispatcher.execute(() -> listeners.push(type, payload));
        }
    }

    // ---------------------------------------------------------------- internals: helpers

    private Connection readyConnection() {
        synchronized (lock) {
            Connection c = current;
            return c != null && c.authenticated ? c : null;
        }
    }

    private HubbubClientException notReady() {
        ConnectionState s = state();
        return s == ConnectionState.CLOSED
                ? new HubbubClientException(HubbubClientException.CLIENT_CLOSED, "client is closed")
                : new HubbubClientException(HubbubClientException.NOT_CONNECTED, "not connected (" + s + ")");
    }

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

    private ObjectNode toObject(Object payload) {
        if (payload == null) {
            return mapper.createObjectNode();
        }
        JsonNode node = payload instanceof JsonNode j ? j : mapper.valueToTree(payload);
        if (!(node instanceof ObjectNode o)) {
            throw new IllegalArgumentException("payload must be a JSON object, got " + node.getNodeType());
        }
        return o;
    }

    private static Throwable unwrapCause(Throwable t) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    static HubbubClientException unwrap(Throwable t) {
        Throwable c = unwrapCause(t);
        if (c instanceof HubbubClientException h) {
            return h;
        }
        if (c instanceof TimeoutException) {
            return new HubbubClientException(HubbubClientException.TIMEOUT, String.valueOf(c.getMessage()), c);
        }
        return new HubbubClientException(HubbubClientException.SEND_FAILED, String.valueOf(c), c);
    }
}
