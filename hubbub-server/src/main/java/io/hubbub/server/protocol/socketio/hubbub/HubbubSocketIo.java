package io.hubbub.server.protocol.socketio.hubbub;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.auth.Principal;
import io.hubbub.core.engine.SessionSnapshot;
import io.hubbub.core.node.HubbubNode;
import io.hubbub.core.protocol.Envelope;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.protocol.Outbound;
import io.hubbub.core.room.RoomJson;
import io.hubbub.core.session.CloseReason;
import io.hubbub.core.session.Session;
import io.hubbub.server.protocol.socketio.Ack;
import io.hubbub.server.protocol.socketio.ConnectDecision;
import io.hubbub.server.protocol.socketio.SocketIoServer;
import io.hubbub.server.protocol.socketio.SocketIoSocket;
import io.hubbub.server.transport.TrustedProxies;
import io.hubbub.server.transport.ConnectionLimiter;
import io.hubbub.server.transport.TransportStats;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BooleanSupplier;

/**
 * Hubbub's events on the Socket.IO main namespace: each socket is one core {@link Session}.
 *
 * <p>CONNECT: the {@code auth} payload authenticates like the native {@code auth} request
 * ({@code {token}} or {@code {guest:true,name}}); a refusal is a CONNECT_ERROR whose message is the
 * error code and whose data is {@code {code, message}}. With {@code auth.pid} and {@code auth.offset}
 * (Socket.IO connection state recovery) the old session is resumed through the core's
 * {@code session:resume}; only a complete recovery answers with the same pid (so the client sets
 * {@code socket.recovered}); otherwise the session starts fresh, as Socket.IO does.
 *
 * <p>Events: each client event {@code (name, payload, ack)} is the request {@code name} with that
 * payload; the acknowledgement gets the result, or {@code {"error":{code,message}}}. With
 * {@code auth.ackStyle: "seed"} the acknowledgements take the common Node chat-server shape instead:
 * {@code {success: true, ...result}} or {@code {success: false, error: message, code}}
 * ({@link SocketIoSessionTransport#seedAck}). An event named in
 * {@code socketio.relayEvents} is relayed instead ({@link Relay}): published with its original
 * arguments to every main-namespace socket of the cluster, under the same rules as a request (an
 * authenticated sender, the frame rate limit, a size limit); its acknowledgement, if any, gets
 * {@code {offset, epoch, ts}} once the broker accepted it, or the error.
 *
 * <p>Threading: everything here runs on the socket's event loop, which is its session's executor.
 */
public final class HubbubSocketIo {
    private final HubbubNode node;
    private final ConnectionLimiter limiter;
    private final TransportStats stats;
    private final BooleanSupplier overloaded;
    private final TrustedProxies trustProxy;
    private final int maxFrames;
    private final int maxRequests;
    private final Duration resumeWindow;
    private final RecoveryLogs logs;
    private final Relay relay;
    private volatile Set<String> known;

    public HubbubSocketIo(HubbubNode node, ConnectionLimiter limiter, TransportStats stats, BooleanSupplier overloaded,
                          TrustedProxies trustProxy, int maxFrames, Duration resumeWindow) {
        this(node, limiter, stats, overloaded, trustProxy, maxFrames, resumeWindow, Relay.NONE);
    }

    /** @throws IllegalArgumentException when a relayed event name is also a request type of the node */
    public HubbubSocketIo(HubbubNode node, ConnectionLimiter limiter, TransportStats stats, BooleanSupplier overloaded,
                          TrustedProxies trustProxy, int maxFrames, Duration resumeWindow, Relay relay) {
        this.node = node;
        this.limiter = limiter;
        this.stats = stats;
        this.overloaded = overloaded;
        this.trustProxy = trustProxy;
        this.maxFrames = maxFrames;
        this.maxRequests = Math.max(16, maxFrames);
        this.resumeWindow = resumeWindow;
        this.logs = new RecoveryLogs(resumeWindow, 100_000);
        this.relay = relay;
        for (String e : relay.events()) {
            if (node.eventTypes().contains(e)) {
                throw new IllegalArgumentException("socketio.relayEvents: '" + e + "' is a Hubbub event; relay another name");
            }
        }
    }

    /**
     * The node's request types, read once at the first client event: handlers are registered before
     * the server accepts connections. Racing first reads compute the same set.
     */
    private Set<String> knownEvents() {
        Set<String> k = known;
        if (k == null) known = k = node.eventTypes();
        return k;
    }

    /** Serves Hubbub's events on the main namespace of {@code server}. */
    public void attach(SocketIoServer server) {
        server.mainNamespace().onConnect(this::connect);
        server.engine().admission(this::admit);
    }

    /**
     * Every Engine.IO session (polling or WebSocket, before any namespace) passes the same
     * {@link ConnectionLimiter} as a native connection and holds its slot until it ends, so
     * {@code limits.perIp}, {@code connectsPerIpPerSecond}, {@code maxConnections} and the descriptor
     * reserve bound handshakes too. Refusals are answered with Hubbub's JSON error body.
     */
    private Runnable admit(io.netty.channel.Channel channel, io.netty.handler.codec.http.HttpRequest request) {
        String ip = io.hubbub.server.transport.ClientAddress.of(channel, request, trustProxy);
        try {
            limiter.acquire(ip);
        } catch (HubbubException e) {
            stats.refused();
            if (e instanceof ConnectionLimiter.Refused r) node.telemetry().limitHit(r.limit());
            node.telemetry().error(e.code());
            var body = Json.object();
            body.putObject("error").put("code", e.code().wire()).put("message", e.getMessage());
            throw new io.hubbub.server.transport.engineio.EngineIoServer.Refused(e.code().httpStatus(), body.toString());
        }
        return () -> limiter.release(ip);
    }

    private CompletionStage<ConnectDecision> connect(SocketIoSocket socket) {
        if (node.isDraining()) return refuse(ErrorCode.UNAVAILABLE, "server is shutting down; reconnect to another node");
        if (overloaded.getAsBoolean()) {
            node.telemetry().limitHit("memory");
            return refuse(ErrorCode.UNAVAILABLE, "server is under memory pressure; retry later");
        }
        JsonNode auth = socket.handshakeAuth();
        ObjectNode authRequest = Json.object();
        JsonNode token = auth.get("token");
        if (token != null && token.isTextual() && !token.asText().isEmpty()) {
            authRequest.put("token", token.asText());
        } else if (auth.path("guest").asBoolean(false)) {
            authRequest.put("guest", true);
            if (auth.has("name")) authRequest.set("name", auth.get("name"));
        } else {
            return refuse(ErrorCode.UNAUTHORIZED, "send auth {token} (or {guest: true, name} where guests are allowed)");
        }
        JsonNode ackStyle = auth.get("ackStyle");
        boolean seedAcks = ackStyle != null && "seed".equals(ackStyle.asText());
        if (ackStyle != null && !seedAcks && !"hubbub".equals(ackStyle.asText()))
            return refuse(ErrorCode.BAD_REQUEST, "auth.ackStyle must be 'hubbub' or 'seed'");
        String ip = address(socket); // the connection slot was taken at the Engine.IO handshake (admit)
        Link link = new Link(socket, ip, authRequest, seedAcks);
        socket.onDisconnect(reason -> link.socketClosed());
        link.start(socket.recoveryPid(), socket.recoveryOffset());
        return link.decision;
    }

    private static CompletionStage<ConnectDecision> refuse(ErrorCode code, String message) {
        return CompletableFuture.completedFuture(refusal(code, message));
    }

    private static ConnectDecision refusal(ErrorCode code, String message) {
        return new ConnectDecision.Refuse(code.wire(), Json.object().put("code", code.wire()).put("message", message));
    }

    private String address(SocketIoSocket socket) {
        return trustProxy.clientAddress(socket.handshake().remoteAddress(), socket.handshake().headers().get("x-forwarded-for"));
    }

    /** One socket of the main namespace and the session currently behind it. Loop-confined. */
    private final class Link {
        final SocketIoSocket socket;
        final String ip;
        final ObjectNode authRequest;
        final CompletableFuture<ConnectDecision> decision = new CompletableFuture<>();
        SocketIoSessionTransport transport;
        Session session;
        String recoveryId;
        boolean accepted;
        boolean gone;
        final boolean seedAcks;

        Link(SocketIoSocket socket, String ip, ObjectNode authRequest, boolean seedAcks) {
            this.socket = socket;
            this.ip = ip;
            this.authRequest = authRequest;
            this.seedAcks = seedAcks;
        }

        /** Opens a session and authenticates it; then resumes when the client asks for recovery. */
        void start(String pid, String offset) {
            transport = new SocketIoSessionTransport(socket, ip, maxFrames, maxRequests, stats);
            transport.seedAcks(seedAcks);
            SocketIoSessionTransport t = transport;
            session = node.open(t, null);
            Session s = session;
            t.onClosedBeforeOpen(reason -> {
                if (transport == t) refuseAndEnd(codeOf(reason), reason.reason());
            });
            internal("auth", authRequest, answer -> {
                if (answer instanceof Outbound.Failure f) {
                    refuseAndEnd(f.code(), f.message());
                } else if (pid != null && !resumeWindow.isZero()) {
                    resume(s, pid, offset);
                } else {
                    accept(null, s.id());
                }
            });
        }

        private void resume(Session s, String pid, String offset) {
            String oldId = node.resumeTokens().verify(pid);
            RecoveryOffset last = RecoveryOffset.parse(offset);
            if (oldId == null || (offset != null && last == null)) {
                accept(null, s.id()); // not a pid of ours, or a foreign offset: start fresh
                return;
            }
            RecoveryLog oldLog = logs.take(oldId);
            Map<String, RecoveryLog.Position> positions = oldLog == null ? null : oldLog.positionsAt(last);
            if (positions == null) {
                // Without this node's log only the channel of the last event has a known position:
                // exact for a session in one room or topic; any other channel then fails recovery (never partial).
                positions = last == null ? Map.of() : Map.of(last.channel(), new RecoveryLog.Position(last.epoch(), last.offset()));
            }
            ObjectNode request = Json.object().put("token", pid);
            ObjectNode rooms = request.putObject("rooms");
            ObjectNode topics = request.putObject("topics");
            positions.forEach((channel, p) -> (channel.startsWith("r|") ? rooms : topics).putObject(channel.substring(2))
                    .put("epoch", p.epoch()).put("offset", p.offset()));
            internal("session:resume", request, answer -> {
                JsonNode r = answer instanceof Outbound.Reply reply ? reply.result() : null;
                if (r == null || !r.path("resumed").asBoolean(false)) {
                    accept(null, s.id());
                } else if (completelyRecovered(r)) {
                    accept(pid, oldId);
                } else {
                    restartFresh();
                }
            });
        }

        /** True when every room and every topic of the old session was recovered. */
        private static boolean completelyRecovered(JsonNode resumed) {
            for (JsonNode room : resumed.path("rooms")) {
                if (!room.path("recovered").asBoolean(false)) return false;
            }
            JsonNode topics = resumed.path("topicRecovery");
            for (JsonNode topic : resumed.path("topics")) {
                if (!topics.path(topic.asText()).path("recovered").asBoolean(false)) return false;
            }
            return true;
        }

        /** A partial resume is not a recovery: drop that session and start a clean one, as Socket.IO does. */
        private void restartFresh() {
            SocketIoSessionTransport old = transport;
            Session oldSession = session;
            old.discard();
            node.closed(oldSession);
            start(null, null);
        }

        /**
         * Subscribes the session to the relay topic (when relaying and not yet subscribed, e.g. by a
         * recovery), so it receives every event relayed after its CONNECT reply; then {@link #join}s.
         */
        private void accept(String pid, String recoveryId) {
            if (gone) return;
            // a room token is not subscribed to the relay (it opens its room and nothing else)
            if (!relay.enabled() || session.topics().contains(Relay.TOPIC) || session.principal().isRoomScoped()) {
                join(pid, recoveryId);
                return;
            }
            internal("topic:subscribe", Json.object().put("topic", Relay.TOPIC), answer -> {
                if (answer instanceof Outbound.Failure f) refuseAndEnd(f.code(), "relay: " + f.message());
                else join(pid, recoveryId);
            });
        }

        /** Joins the namespace; {@code pid} is the recovered one, or null for a fresh session (whose own resume token it gets). */
        private void join(String pid, String recoveryId) {
            if (gone) return;
            this.recoveryId = recoveryId;
            this.accepted = true;
            if (!resumeWindow.isZero()) socket.pid(pid != null ? pid : node.resumeTokens().issue(session.id()));
            socket.onAny(this::onEvent);
            decision.complete(ConnectDecision.ACCEPT);
            transport.open();
        }

        private void refuseAndEnd(ErrorCode code, String message) {
            if (decision.isDone()) {
                socket.closeTransport();
                return;
            }
            transport.discard();
            node.closed(session);
            gone = true;
            decision.complete(refusal(code, message));
        }

        private void internal(String type, JsonNode payload, java.util.function.Consumer<Outbound> answer) {
            Long id = transport.register(new SocketIoSessionTransport.InternalRequest(type, payload, answer));
            node.handle(session, new Envelope(type, id, payload));
        }

        /** A client event: the request {@code event} with args[0] as payload; the ack (if any) gets the answer. */
        void onEvent(String event, List<Object> args, Ack ack) {
            stats.received();
            if (relay.events().contains(event)) {
                relay(event, args, ack);
                return;
            }
            Object first = args.isEmpty() ? null : args.get(0);
            JsonNode payload = first == null ? Json.object() : first instanceof JsonNode n ? n : null;
            Long id = null;
            if (ack != null) {
                id = transport.register(new SocketIoSessionTransport.ClientRequest(event,
                        payload == null ? Json.object() : payload, ack));
                if (id == null) {
                    ack.send(SocketIoSessionTransport.error(ErrorCode.LIMIT_EXCEEDED, "too many requests awaiting an answer", null));
                    return;
                }
            }
            if (args.stream().anyMatch(a -> a instanceof byte[] || a instanceof JsonNode n && containsBinary(n))) {
                node.fail(session, id, HubbubException.badRequest("binary arguments are not supported on the main namespace: "
                        + "send JSON (for example base64 text in a string field)"));
            } else if (!knownEvents().contains(event)) {
                if (node.admit(session, id)) {
                    node.fail(session, id, new HubbubException(ErrorCode.UNKNOWN_EVENT, "unknown event type '" + event
                            + "' (to relay a custom event to every Socket.IO client, list it in socketio.relayEvents)"));
                }
            } else if (payload == null || payload.isNull()) {
                node.handle(session, new Envelope(event, id, Json.object()));
            } else if (!payload.isObject()) {
                node.fail(session, id, HubbubException.badRequest("the first argument of '" + event + "' must be a JSON object (its payload)"));
            } else {
                node.handle(session, new Envelope(event, id, payload));
            }
        }

        /** A listed event: published to the relay topic with its arguments as they came (any JSON values). */
        private void relay(String event, List<Object> args, Ack ack) {
            Session s = session;
            Long id = null;
            if (ack != null) {
                id = transport.register(new SocketIoSessionTransport.ClientRequest(event, Json.object(), ack));
                if (id == null) {
                    ack.send(SocketIoSessionTransport.error(ErrorCode.LIMIT_EXCEEDED, "too many requests awaiting an answer", null));
                    return;
                }
            }
            node.telemetry().frameIn("socketio:relay");
            if (!node.admit(s, id)) return;
            if (!s.isAuthenticated()) {
                node.fail(s, id, new HubbubException(ErrorCode.UNAUTHORIZED, "authenticate first"));
                    return;
            }
            if (s.principal().isRoomScoped()) { // relayed events reach every connection: not a room token's business
                node.fail(s, id, io.hubbub.core.auth.RoomScope.forbidden());
                return;
            }
            ArrayNode data = Json.MAPPER.createArrayNode();
            for (Object a : args) {
                if (a instanceof byte[] || a instanceof JsonNode n && containsBinary(n)) {
                    node.fail(s, id, HubbubException.badRequest("binary arguments cannot be relayed: send JSON (for example base64 text)"));
                    return;
                }
                data.add((JsonNode) a);
            }
            int size = Json.bytes(data).length;
            if (size > relay.maxBytes()) {
                node.fail(s, id, new HubbubException(ErrorCode.TOO_LARGE,
                        "the arguments of '" + event + "' are " + size + " bytes, over the limit of " + relay.maxBytes()));
                return;
            }
            Principal p = s.principal();
            Long replyId = id;
            node.messaging().publishToTopic(Relay.TOPIC, event, data, RoomJson.user(p.userId(), p.name()))
                    .whenComplete((pos, err) -> {
                        if (replyId == null) return;
                        if (err != null) node.fail(s, replyId, HubbubException.from(err));
                        else s.send(new Outbound.Reply(replyId, Json.object().put("offset", pos.offset())
                                .put("epoch", pos.epoch()).put("ts", System.currentTimeMillis())));
                    });
        }

        /** The socket left the namespace or the connection ended. Keeps the session resumable. */
        void socketClosed() {
            if (gone) return;
            gone = true;
            Session s = session;
            if (!accepted) {
                transport.discard();
                node.closed(s);
                return;
            }
            transport.ended();
            if (s.principal() != null && !recoveryId.equals(s.id()) && !resumeWindow.isZero()) {
                // the client will present its first pid: keep this session resumable under that id too
                node.engine().sessions().save(new SessionSnapshot(recoveryId, s.userId(), new LinkedHashSet<>(s.rooms().keySet()),
                        new LinkedHashSet<>(s.topics()), System.currentTimeMillis()), resumeWindow);
            }
            logs.put(recoveryId, transport.recoveryLog());
            node.closed(s);
        }
    }

    /** The CONNECT_ERROR code for a session the core closed before it joined the namespace. */
    private static ErrorCode codeOf(CloseReason reason) {
        if (reason.equals(CloseReason.UNAUTHORIZED) || reason.equals(CloseReason.AUTH_TIMEOUT)) return ErrorCode.UNAUTHORIZED;
        if (reason.equals(CloseReason.KICKED)) return ErrorCode.FORBIDDEN;
        if (reason.equals(CloseReason.FLOOD)) return ErrorCode.RATE_LIMITED;
        return ErrorCode.UNAVAILABLE;
    }

    private static boolean containsBinary(JsonNode node) {
        if (node instanceof BinaryNode) return true;
        if (node.isContainerNode()) {
            for (JsonNode child : node) {
                if (containsBinary(child)) return true;
            }
        }
        return false;
    }
}
