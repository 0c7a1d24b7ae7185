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
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

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

    private final Duration requestTimeout;
    private final Duration connectTimeout;
    private final ObjectMapper mapper;
    private final SerialDispatcher dispatcher;
    private final RequestRegistry requests;
    private final PositionTracker tracker = new PositionTracker();
    private final Frames frames;
    private final Listeners listeners = new Listeners();
    private final Lifecycle lifecycle;

    HubbubClient(HubbubClientBuilder b) {
        this.requestTimeout = b.requestTimeout;
        this.connectTimeout = b.connectTimeout;
        this.mapper = b.mapper;
        ScheduledExecutorService timer = Shared.timer();
        Executor callbacks = b.callbackExecutor != null ? b.callbackExecutor
                : task -> Thread.ofVirtual().name("hubbub-client-callbacks").start(task);
        this.dispatcher = new SerialDispatcher(callbacks, b.maxQueuedCallbacks);
        this.requests = new RequestRegistry(b.maxInFlight, timer, dispatcher);
        this.frames = new Frames(mapper);
        this.lifecycle = new Lifecycle(b, timer, dispatcher, requests, tracker, listeners, this::requestOn, this::receive);
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
        return lifecycle.connect();
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
        return lifecycle.closeAsync();
    }

    /** Completes when the client has reached {@link ConnectionState#CLOSED} and failed everything pending. */
    public CompletableFuture<Void> closedFuture() {
        return lifecycle.closedFuture();
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

    /** The server the client connects to now (the configured one, or where a cluster sent it). */
    public URI currentServer() {
        return lifecycle.currentServer();
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
        boolean[] reconnects = {false};
        if (!lifecycle.retarget(next, reconnects)) {
            done.completeExceptionally(new HubbubClientException(HubbubClientException.CLIENT_CLOSED, "client is closed"));
            return done;
        }
        if (!reconnects[0]) {
            done.complete(null);
            return done;
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
        return lifecycle.state();
    }

    /** The latest {@code session:welcome}, or null before the first. */
    public Welcome welcome() {
        return lifecycle.welcome();
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
                    case "session:welcome" -> lifecycle.welcomed(c, p.payload());
                    case "server:shutdown" -> lifecycle.shutdownNotice(p.payload().path("reconnectAfterMs").asLong(2000),
                            parseTarget(p.payload().path("url").asText(null)));
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
        return lifecycle.readyConnection();
    }

    private HubbubClientException notReady() {
        ConnectionState s = state();
        return s == ConnectionState.CLOSED
                ? new HubbubClientException(HubbubClientException.CLIENT_CLOSED, "client is closed")
                : new HubbubClientException(HubbubClientException.NOT_CONNECTED, "not connected (" + s + ")");
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

    static Throwable unwrapCause(Throwable t) {
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
