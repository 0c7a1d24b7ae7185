package io.hubbub.server.protocol.socketio;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import io.hubbub.server.transport.engineio.EngineIoCodec.Frame;
import io.hubbub.server.transport.engineio.EngineIoHandshake;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * One client's membership of one namespace.
 *
 * <p>Threading: the public methods may be called from any thread; they hop onto the connection's
 * event loop, where all state changes and all handler calls happen (handlers must not block).
 * Emits from one thread are sent in call order. Emits made while the connect handler is still
 * deciding wait (bounded by {@link SocketIoConfig#maxPendingEmits()}) and follow the CONNECT reply.
 *
 * <p>Emit arguments: {@code JsonNode} as is, {@code byte[]} as binary (sent as attachments),
 * {@code String}, {@code null}, or any value Jackson can convert.
 */
public final class SocketIoSocket {
    private static final System.Logger LOG = System.getLogger(SocketIoSocket.class.getName());
    private static final SecureRandom RANDOM = new SecureRandom();

    private enum State { CONNECTING, CONNECTED, DISCONNECTED }

    private final SocketIoConnection connection;
    private final Namespace namespace;
    private final String id;
    private final JsonNode auth;
    private final Map<String, SocketIoEventHandler> handlers = new ConcurrentHashMap<>();
    private final List<Consumer<String>> disconnectHandlers = new CopyOnWriteArrayList<>();
    private volatile AnyEventHandler anyHandler;
    private volatile Runnable onWritable = NOTHING;
    private volatile Runnable onHeartbeat = NOTHING;
    private static final Runnable NOTHING = () -> { };
    private volatile String pid;
    private volatile State state = State.CONNECTING;
    // loop-confined
    private List<List<Frame>> pendingEmits = new ArrayList<>();
    private final Map<Long, Consumer<List<Object>>> acks = new HashMap<>();
    private long nextAckId;

    SocketIoSocket(SocketIoConnection connection, Namespace namespace, JsonNode auth) {
        this.connection = connection;
        this.namespace = namespace;
        this.auth = auth;
        byte[] bytes = new byte[15];
        RANDOM.nextBytes(bytes);
        this.id = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The public socket id sent in the CONNECT reply. */
    public String id() {
        return id;
    }

    public Namespace namespace() {
        return namespace;
    }

    /** The CONNECT packet's auth object ({@code {}} when the client sent none). */
    public JsonNode handshakeAuth() {
        return auth;
    }

    /** The HTTP request that opened the Engine.IO session (headers, query, address). */
    public EngineIoHandshake handshake() {
        return connection.eio().handshake();
    }

    /** The Engine.IO session id. */
    public String engineId() {
        return connection.eio().id();
    }

    /** The serial executor of this socket: its connection's event loop. */
    public io.netty.channel.EventLoop loop() {
        return connection.eio().loop();
    }

    /** Whether the transport can take more frames now (see {@link io.hubbub.server.transport.engineio.EngineIoSocket#writable()}). Any thread. */
    public boolean writable() {
        return connection.eio().writable();
    }

    /** Whether the transport can take more frames now, exactly (see {@link io.hubbub.server.transport.engineio.EngineIoSocket#canTakeMore()}). Loop only. */
    public boolean canTakeMore() {
        return connection.eio().canTakeMore();
    }

    /** Sets what runs (on the loop) when the transport can take more after being backed up. */
    public void onWritable(Runnable handler) {
        this.onWritable = handler == null ? NOTHING : handler;
    }

    void writableAgain() {
        onWritable.run();
    }

    /**
     * Sets what runs (on the loop) each time the client answers an Engine.IO ping, about once per
     * {@code pingInterval}: periodic housekeeping without a timer per socket.
     */
    public void onHeartbeat(Runnable handler) {
        this.onHeartbeat = handler == null ? NOTHING : handler;
    }

    void heartbeat() {
        onHeartbeat.run();
    }

    /** Packets waiting in the Engine.IO queue (for a poll or a writable WebSocket). Loop only. */
    public int queuedPackets() {
        return connection.eio().queuedPackets();
    }

    /** The current Engine.IO transport: "polling" or "websocket". Loop only. */
    public String transport() {
        return connection.eio().transport();
    }

    /**
     * Closes the whole Engine.IO connection without a namespace DISCONNECT, so the client sees a
     * transport close and reconnects by itself (with connection state recovery). Any thread.
     */
    public void closeTransport() {
        connection.eio().close();
    }

    public boolean connected() {
        return state == State.CONNECTED;
    }

    /** Connection state recovery: the private session id the client presents ({@code auth.pid}), or null. */
    public String recoveryPid() {
        JsonNode value = auth.get("pid");
        return value != null && value.isTextual() ? value.asText() : null;
    }

    /** Connection state recovery: the offset of the last event the client received ({@code auth.offset}), or null. */
    public String recoveryOffset() {
        JsonNode value = auth.get("offset");
        return value != null && value.isTextual() ? value.asText() : null;
    }

    /** The private session id sent as {@code pid} in the CONNECT reply; set it in the connect handler. */
    public void pid(String pid) {
        this.pid = pid;
    }

    public String pid() {
        return pid;
    }

    /** Registers the handler for a client event (one per event name; a later call replaces it). */
    public SocketIoSocket on(String event, SocketIoEventHandler handler) {
        handlers.put(event, handler);
        return this;
    }

    /** Receives a client event for which no {@link #on} handler is registered. */
    @FunctionalInterface
    public interface AnyEventHandler {
        void onEvent(String event, List<Object> args, Ack ack);
    }

    /** Registers the handler for every event without its own {@link #on} handler (a later call replaces it). */
    public SocketIoSocket onAny(AnyEventHandler handler) {
        this.anyHandler = handler;
        return this;
    }

    /** Called once with the reason when the socket leaves the namespace (either side, or the connection ends). */
    public SocketIoSocket onDisconnect(Consumer<String> handler) {
        disconnectHandlers.add(handler);
        return this;
    }

    public void emit(String event, Object... args) {
        enqueue(EncodedPacket.event(namespace.name(), event, args).frames());
    }

    /**
     * Emits an event carrying a recovery offset: the offset is appended as the last argument, which
     * the client stores and presents as {@code auth.offset} when it reconnects.
     */
    public void emitWithOffset(String offset, String event, Object... args) {
        Object[] withOffset = java.util.Arrays.copyOf(args, args.length + 1);
        withOffset[args.length] = offset;
        emit(event, withOffset);
    }

    /** Sends a packet encoded once for many receivers; its namespace must be this socket's. */
    public void emit(EncodedPacket packet) {
        if (!packet.namespace().equals(namespace.name())) {
            throw new IllegalArgumentException("packet for " + packet.namespace() + " sent on " + namespace.name());
        }
        enqueue(packet.frames());
    }

    /**
     * Sends several pre-encoded packets (of this socket's namespace) as one batch: one hop to the loop
     * and one write/flush of the transport, in list order.
     */
    public void emit(List<EncodedPacket> packets) {
        if (packets.size() == 1) {
            emit(packets.get(0));
            return;
        }
        List<Frame> frames = new ArrayList<>();
        for (EncodedPacket packet : packets) {
            if (!packet.namespace().equals(namespace.name())) {
                throw new IllegalArgumentException("packet for " + packet.namespace() + " sent on " + namespace.name());
            }
            frames.addAll(packet.frames());
        }
        enqueue(frames);
    }

    /**
     * Emits an event and calls {@code callback} (on the loop) with the client's acknowledgement
     * arguments. Not called if the socket disconnects first. Fails the emit when too many acks are pending.
     */
    public void emitWithAck(String event, Consumer<List<Object>> callback, Object... args) {
        ArrayNode data = Args.eventArray(event, args);
        onLoop(() -> {
            if (state == State.DISCONNECTED) {
                return;
            }
            if (acks.size() >= connection.config().maxPendingAcks()) {
                LOG.log(System.Logger.Level.WARNING, "too many pending acks on socket {0}; emit dropped", id);
                return;
            }
            long ackId = nextAckId++;
            acks.put(ackId, callback);
            deliver(EncodedPacket.of(new SocketIoPacket.Event(namespace.name(), ackId, data)).frames());
        });
    }

    /** Leaves the namespace (the client gets DISCONNECT); the Engine.IO connection stays open. */
    public void disconnect() {
        disconnect(false);
    }

    /** Leaves the namespace; with {@code closeConnection} the whole Engine.IO connection is closed too. */
    public void disconnect(boolean closeConnection) {
        onLoop(() -> {
            if (state == State.CONNECTED) {
                connection.send(new SocketIoPacket.Disconnect(namespace.name()));
                connection.removed(this);
                closed("server namespace disconnect");
            }
            if (closeConnection) {
                connection.eio().close();
            }
        });
    }

    // ---- connection callbacks (loop) ------------------------------------------------------------

    void accepted() {
        state = State.CONNECTED;
        namespace.add(this);
        List<List<Frame>> waiting = pendingEmits;
        pendingEmits = null;
        for (List<Frame> frames : waiting) {
            connection.eio().sendAll(frames);
        }
    }

    void refused() {
        state = State.DISCONNECTED;
        pendingEmits = null;
    }

    void closed(String reason) {
        if (state == State.DISCONNECTED) {
            return;
        }
        state = State.DISCONNECTED;
        pendingEmits = null;
        acks.clear();
        namespace.remove(this);
        for (Consumer<String> handler : disconnectHandlers) {
            try {
                handler.accept(reason);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "disconnect handler failed", e);
            }
        }
    }

    void onEvent(ArrayNode data, Long ackId) {
        String event = data.get(0).asText();
        SocketIoEventHandler handler = handlers.get(event);
        AnyEventHandler any = anyHandler;
        if (handler == null && any == null) {
            return;
        }
        Ack ack = ackId == null ? null : ackFor(ackId);
        try {
            if (handler != null) {
                handler.onEvent(Args.fromArray(data, 1), ack);
            } else {
                any.onEvent(event, Args.fromArray(data, 1), ack);
            }
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "handler for event " + event + " failed", e);
        }
    }

    void onAck(long ackId, ArrayNode data) {
        Consumer<List<Object>> callback = acks.remove(ackId);
        if (callback != null) {
            try {
                callback.accept(Args.fromArray(data, 0));
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "ack callback failed", e);
            }
        }
    }

    private Ack ackFor(long ackId) {
        AtomicBoolean sent = new AtomicBoolean();
        return args -> {
            if (sent.compareAndSet(false, true)) {
                enqueue(EncodedPacket.of(new SocketIoPacket.Ack(namespace.name(), ackId, Args.array(args))).frames());
            }
        };
    }

    private void enqueue(List<Frame> frames) {
        if (connection.eio().loop().inEventLoop()) deliver(frames); // the broadcast path: no task, no capture
        else connection.eio().loop().execute(() -> deliver(frames));
    }

    private void deliver(List<Frame> frames) {
        switch (state) {
            case CONNECTED -> connection.eio().sendAll(frames);
            case CONNECTING -> {
                if (pendingEmits.size() >= connection.config().maxPendingEmits()) {
                    LOG.log(System.Logger.Level.WARNING, "too many emits before connect on socket {0}; closing", id);
                    connection.eio().close();
                } else {
                    pendingEmits.add(frames);
                }
            }
            case DISCONNECTED -> { } // the client is gone; nothing to deliver to
        }
    }

    private void onLoop(Runnable task) {
        if (connection.eio().loop().inEventLoop()) {
            task.run();
        } else {
            connection.eio().loop().execute(task);
        }
    }
}
