package io.hubbub.server.protocol.socketio.hubbub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.protocol.Outbound;
import io.hubbub.core.session.CloseReason;
import io.hubbub.core.session.SessionTransport;
import io.hubbub.server.protocol.socketio.Ack;
import io.hubbub.server.protocol.socketio.EncodedPacket;
import io.hubbub.server.protocol.socketio.SocketIoSocket;
import io.hubbub.server.transport.Outbox;
import io.hubbub.server.transport.TransportStats;
import io.netty.util.concurrent.FastThreadLocal;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A Socket.IO main-namespace socket as the core sees it.
 *
 * <p>Outbound: {@link #send} (any thread) appends to the connection's {@link Outbox} and schedules one drain on
 * the socket's event loop (also the session's executor), so frames keep the order in which they were
 * sent. The drain turns each frame into Socket.IO: a {@code Push} becomes an EVENT
 * {@code [type, payload]} (plus the recovery offset for recorded room/topic events), a relayed event
 * ({@link Relay}) the EVENT {@code [event, ...args]} (plus its offset), each encoded once per
 * broadcast through the push's cache; a {@code Reply}/{@code Failure} goes to the acknowledgement of
 * the request with that id (the result object, or {@code {"error":{code,message}}}); a failure without
 * id becomes an {@code error} event. The pushes of one drain go to the socket as one batch (one write
 * and flush), cut only where an acknowledgement must follow them. Overflow: droppable pushes are dropped, anything else closes the
 * connection as a slow consumer (the client reconnects and recovers). Request ids are this
 * transport's own: each maps to a client acknowledgement or to an internal continuation.
 *
 * <p>Until {@link #open} (the CONNECT reply), pushes are held, bounded by the same limit, so the
 * client sees them right after connecting; {@link #discard} drops them when the attempt is abandoned.
 */
final class SocketIoSessionTransport implements SessionTransport {

    /** Who waits for the answer of a request id. */
    sealed interface Request {}

    record ClientRequest(String type, JsonNode payload, Ack ack) implements Request {}

    record InternalRequest(String type, JsonNode payload, Consumer<Outbound> answer) implements Request {}

    /** Pushes written per write/flush at most, so a backed-up socket is noticed within this many frames. */
    private static final int BATCH = 64;
    private final SocketIoSocket socket;
    private final String remoteAddress;
    private final int maxFrames;
    private final int maxRequests;
    private final TransportStats stats;
    private final Outbox outbox;
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile boolean ended;

    // loop-confined
    private boolean open;
    private final List<Outbound.Push> held = new ArrayList<>();
    private final Map<Long, Request> requests = new HashMap<>();
    private long nextId;
    private final RecoveryLog log = new RecoveryLog();
    private final List<Runnable> pendingSeeds = new ArrayList<>();
    private final List<EncodedPacket> batch = new ArrayList<>();
    private Consumer<CloseReason> closedBeforeOpen = r -> { };
    private boolean seedAcks;
    private boolean wroteSinceHeartbeat;

    SocketIoSessionTransport(SocketIoSocket socket, String remoteAddress, int maxFrames, int maxRequests, TransportStats stats) {
        this.socket = socket;
        this.remoteAddress = remoteAddress;
        this.maxFrames = maxFrames;
        this.outbox = new Outbox(maxFrames, socket.loop(), this::drain, () -> close(CloseReason.SLOW_CONSUMER), stats);
        this.maxRequests = maxRequests;
        this.stats = stats;
        socket.onWritable(() -> {
            if (outbox.size() > 0) outbox.schedule();
        });
        socket.onHeartbeat(this::heartbeat);
    }

    /**
     * Each Engine.IO heartbeat (loop): a connection that wrote nothing since the last one hands its
     * outbound queue back, like a native connection on its loop's tick, so an idle Socket.IO client keeps
     * no queue; the next frame makes a new one.
     */
    private void heartbeat() {
        if (wroteSinceHeartbeat) wroteSinceHeartbeat = false;
        else outbox.release();
    }

    /** Whether an outbound queue is allocated now (diagnostics: an idle connection holds none). */
    boolean holdsQueue() {
        return outbox.hasQueue();
    }

    @Override
    public boolean send(Outbound frame) {
        if (closing.get() || ended) return false;
        return outbox.offer(frame, !socket.writable());
    }

    /** Registers who answers a request; returns its id, or null when too many requests are pending. Loop only. */
    Long register(Request request) {
        if (requests.size() >= maxRequests) return null;
        long id = nextId++;
        requests.put(id, request);
        return id;
    }

    /** Acknowledgements in the seed shape ({@link #seedAck}) instead of Hubbub's. Loop only, before any request. */
    void seedAcks(boolean on) {
        this.seedAcks = on;
    }

    /** Called (on the loop) when the core closes this transport before it was opened. */
    void onClosedBeforeOpen(Consumer<CloseReason> handler) {
        this.closedBeforeOpen = handler;
    }

    /** Starts delivering pushes to the client (after the CONNECT reply). Loop only. */
    void open() {
        open = true;
        for (Outbound.Push p : held) emit(p);
        held.clear();
        flushBatch();
        pendingSeeds.forEach(Runnable::run);
        pendingSeeds.clear();
        drain();
    }

    /** Abandons this transport: nothing more is delivered. Loop only. */
    void discard() {
        ended = true;
        held.clear();
        batch.clear();
        requests.clear();
        outbox.clear();
    }

    /** The socket left (client gone or namespace disconnect): stops delivery, keeps the recovery log. Loop only. */
    void ended() {
        ended = true;
        held.clear();
        batch.clear();
        requests.clear();
    }

    RecoveryLog recoveryLog() {
        return log;
    }

    private void drain() {
        drain(false);
    }

    /**
     * Moves queued frames to the socket. While the WebSocket is backed up the frames stay in the
     * outbox, so its bound and the slow-consumer policy apply as on the native path (the socket's
     * writability callback resumes the drain); {@code all} (a closing transport) ignores that.
     */
    private void drain(boolean all) {
        outbox.drainStarting();
        try {
            drainQueue(all);
        } finally {
            flushBatch();
        }
    }

    /** Writes the pushes collected so far in one batch (before an acknowledgement, and at the end of a drain). */
    private void flushBatch() {
        switch (batch.size()) {
            case 0 -> { }
            case 1 -> socket.emit(batch.get(0)); // the common case at moderate rates: no list copy
            default -> socket.emit(List.copyOf(batch));
        }
        batch.clear();
    }

    private void drainQueue(boolean all) {
        Outbound f;
        int n = 0;
        while ((all || !open || canWrite()) && (f = outbox.poll()) != null) {
            if (ended) continue;
            switch (f) {
                case Outbound.Push p -> {
                    if (open) emit(p);
                    else hold(p);
                }
                case Outbound.Reply r -> answer(r.id(), r);
                case Outbound.Failure e -> {
                    if (e.id() == null) {
                        Outbound.Push p = new Outbound.Push("error", error(e).get("error"));
                        if (open) emit(p);
                        else hold(p);
                    } else {
                        answer(e.id(), e);
                    }
                }
            }
            n++;
        }
        if (n > 0) {
            stats.sent(n);
            wroteSinceHeartbeat = true;
        }
    }

    /**
     * Whether the socket takes more (a WebSocket below its high-water mark with nothing left in the socket's
     * queue; polling always). Writes the batch so far every {@link #BATCH} pushes, so the answer reflects it.
     */
    private boolean canWrite() {
        if (batch.size() >= BATCH) flushBatch();
        return socket.canTakeMore();
    }

    private void hold(Outbound.Push p) {
        if (held.size() >= maxFrames) {
            stats.slowConsumer();
            close(CloseReason.SLOW_CONSUMER);
            return;
        }
        held.add(p);
    }

    private void emit(Outbound.Push p) {
        if (p.droppable() && socket.queuedPackets() + batch.size() >= maxFrames / 2) {
            stats.dropped();
            return;
        }
        Object[] memo = memo(p);
        RecoveryOffset o = (RecoveryOffset) memo[1];
        EncodedPacket packet = (EncodedPacket) memo[2];
        if (packet == null) {
            EncodedPacket cached = EncodedPacket.cachedPush(p);
            String offset = cached != null || o == null ? null : o.wire();
            packet = cached != null ? cached
                    : Relay.carries(p) ? EncodedPacket.relay(p, p.payload().path("event").asText(), p.payload().get("data"), offset)
                    : EncodedPacket.push(p, offset);
            memo[2] = packet;
        }
        batch.add(packet);
        if (o != null) log.event(o);
    }

    /**
     * The recovery offset and the encoded packet of a push, remembered per event-loop thread for the
     * last push: a broadcast reaches the receivers of one loop one after the other, so it is parsed and
     * wrapped once per loop, not once per receiver. Both are immutable, so sharing them is safe.
     */
    private static Object[] memo(Outbound.Push p) {
        Object[] memo = LAST_PUSH.get();
        if (memo[0] != p) {
            memo[1] = RecoveryOffset.of(p);
            memo[2] = null;
            memo[0] = p;
        }
        return memo;
    }

    /** [push, its RecoveryOffset or null, its EncodedPacket or null (not built yet)]. */
    private static final FastThreadLocal<Object[]> LAST_PUSH = new FastThreadLocal<>() {
        @Override
        protected Object[] initialValue() {
            return new Object[3];
        }
    };

    private void answer(long id, Outbound answer) {
        flushBatch(); // the acknowledgement follows the pushes sent before it
        Request request = requests.remove(id);
        switch (request) {
            case null -> { } // answered already, or the attempt was abandoned
            case ClientRequest c -> {
                if (answer instanceof Outbound.Reply r) {
                    seed(c.type(), c.payload(), r.result());
                    c.ack().send(seedAcks ? seedAck(r.result()) : r.result());
                } else if (answer instanceof Outbound.Failure e) {
                    c.ack().send(seedAcks ? seedError(e) : error(e));
                }
            }
            case InternalRequest i -> {
                // the reply's positions count from where the client will see it: after the held pushes
                if (answer instanceof Outbound.Reply r) {
                    if (open) seed(i.type(), i.payload(), r.result());
                    else pendingSeeds.add(() -> seed(i.type(), i.payload(), r.result()));
                }
                i.answer().accept(answer);
            }
        }
    }

    /** Records the positions a reply tells the client (its starting point for recovery). */
    private void seed(String type, JsonNode request, JsonNode result) {
        switch (type) {
            case "room:join" -> seedPosition(RecoveryOffset.room(request.path("room").asText()), result.path("position"));
            case "room:create" -> {
                String id = result.path("id").asText(result.path("room").path("id").asText(""));
                if (!id.isEmpty()) seedPosition(RecoveryOffset.room(id), result.path("position"));
            }
            case "topic:subscribe" -> seedPosition(RecoveryOffset.topic(request.path("topic").asText()), result.path("position"));
            case "session:resume" -> {
                for (Iterator<Map.Entry<String, JsonNode>> it = result.path("rooms").properties().iterator(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    seedPosition(RecoveryOffset.room(e.getKey()), e.getValue().path("position"));
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = result.path("topicRecovery").properties().iterator(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    seedPosition(RecoveryOffset.topic(e.getKey()), e.getValue().path("position"));
                }
            }
            default -> { }
        }
    }

    private void seedPosition(String channel, JsonNode position) {
        if (position.isObject() && position.path("offset").canConvertToLong()) {
            log.seed(channel, position.path("epoch").asText(""), position.path("offset").asLong());
        }
    }

    /**
     * A reply in the seed shape ({@code auth.ackStyle: "seed"}): {@code {success: true}} followed by the
     * result's fields (a result that is not an object is under {@code data}).
     */
    static ObjectNode seedAck(JsonNode result) {
        ObjectNode out = Json.object().put("success", true);
        if (result instanceof ObjectNode o) o.properties().forEach(e -> { if (!e.getKey().equals("success")) out.set(e.getKey(), e.getValue()); });
        else if (result != null && !result.isNull()) out.set("data", result);
        return out;
    }

    /** A failure in the seed shape: {@code {success: false, error: message, code[, details]}}. */
    static ObjectNode seedError(Outbound.Failure f) {
        ObjectNode out = Json.object().put("success", false).put("error", f.message()).put("code", f.code().wire());
        if (f.details() != null && !f.details().isNull()) out.set("details", f.details());
        return out;
    }

    /** The acknowledgement argument of a failed request: {@code {"error":{"code","message"[,"details"]}}}. */
    static ObjectNode error(Outbound.Failure f) {
        return error(f.code(), f.message(), f.details());
    }

    static ObjectNode error(ErrorCode code, String message, JsonNode details) {
        ObjectNode body = Json.object();
        ObjectNode e = body.putObject("error").put("code", code.wire()).put("message", message);
        if (details != null && !details.isNull()) e.set("details", details);
        return body;
    }

    @Override
    public void close(CloseReason reason) {
        if (!closing.compareAndSet(false, true)) return;
        socket.loop().execute(() -> {
            if (ended) return;
            if (!open) {
                closedBeforeOpen.accept(reason);
                return;
            }
            if (reason != CloseReason.SLOW_CONSUMER) drain(true);
            // Reasons after which reconnecting makes sense end the transport only, so the client
            // reconnects (and recovers) by itself; the others end the namespace, which it does not retry.
            if (reason.reconnect()) socket.closeTransport();
            else socket.disconnect(true);
        });
    }

    @Override
    public Executor executor() {
        return socket.loop();
    }

    @Override
    public String remoteAddress() {
        return remoteAddress;
    }

    @Override
    public String protocol() {
        return "socketio";
    }

    @Override
    public boolean isOpen() {
        return !closing.get() && !ended;
    }
}
