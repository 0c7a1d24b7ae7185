package io.hubbub.core.node;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.api.ConnectHook;
import io.hubbub.core.api.EventHandler;
import io.hubbub.core.api.Extensions;
import io.hubbub.core.api.HubbubApi;
import io.hubbub.core.api.JoinHook;
import io.hubbub.core.api.PublishHook;
import io.hubbub.core.api.RoomListener;
import io.hubbub.core.auth.Principal;
import io.hubbub.core.auth.TokenVerifier;
import io.hubbub.core.engine.Channels;
import io.hubbub.core.engine.Engine;
import io.hubbub.core.engine.SessionSnapshot;
import io.hubbub.core.hub.Hub;
import io.hubbub.core.messaging.MessageHandlers;
import io.hubbub.core.messaging.MessagingService;
import io.hubbub.core.presence.PresenceHandlers;
import io.hubbub.core.presence.PresenceService;
import io.hubbub.core.protocol.Envelope;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.protocol.Outbound;
import io.hubbub.core.room.RoomHandlers;
import io.hubbub.core.room.RoomJson;
import io.hubbub.core.room.RoomService;
import io.hubbub.core.session.CloseReason;
import io.hubbub.core.session.ResumeTokens;
import io.hubbub.core.session.Session;
import io.hubbub.core.session.SessionHandlers;
import io.hubbub.core.session.SessionLifecycle;
import io.hubbub.core.config.CoreSettings;
import io.hubbub.core.telemetry.Telemetry;
import io.hubbub.core.session.SessionTransport;
import io.hubbub.core.session.Subscriptions;
import io.hubbub.core.state.RoomStateService;
import io.hubbub.core.state.StateHandlers;
import io.hubbub.core.store.RoomRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One Hubbub node's core: the session lifecycle (open, authenticate, dispatch, close, resume) and the
 * services every handler uses; what a client frame goes through is {@link EventDispatcher}'s.
 * Protocol-independent: transports hand it decoded {@link Envelope}s and a {@link SessionTransport};
 * it never sees bytes or Netty.
 *
 * <p>Threading: {@link #handle} runs on the session's executor; so does every session state change.
 * Services return futures that may complete on engine threads; handlers hop back when needed.
 */
public final class HubbubNode implements HubbubApi, SessionLifecycle, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HubbubNode.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final CoreSettings settings;
    private final Engine engine;
    private final TokenVerifier tokens;
    private final Executor blocking;
    private final Telemetry telemetry;
    private final Hub hub;
    private final Subscriptions subscriptions;
    private final PresenceService presence;
    private final MessagingService messaging;
    private final RoomService rooms;
    private final RoomStateService roomState;
    private final ResumeTokens resumeTokens;
    private final Extensions ext = new Extensions();
    private final EventDispatcher dispatcher;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    /**
     * A user's live sessions on this node. Each value is an immutable set, replaced inside the map's
     * atomic {@code compute} (connections of one user are few and change rarely): readers get a
     * consistent snapshot without locking, and a user with one connection costs one small set object
     * instead of a concurrent set of its own (issue 14, memory per idle connection).
     */
    private final Map<String, Set<Session>> byUser = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;
    private final long startedAt = System.currentTimeMillis();
    private volatile boolean draining;
    private volatile ObjectNode welcomeExtras;

    public HubbubNode(CoreSettings settings, Engine engine, TokenVerifier tokens, RoomRepository roomRepository,
                      byte[] resumeSecret, Executor blocking, Telemetry telemetry) {
        this.settings = settings;
        this.engine = engine;
        this.tokens = tokens;
        this.blocking = blocking;
        this.telemetry = telemetry;
        this.dispatcher = new EventDispatcher(settings, telemetry);
        var timers = new java.util.concurrent.ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "hubbub-timers");
            t.setDaemon(true);
            return t;
        });
        // a cancelled timer (an auth timeout once the session authenticated, a typing timer) leaves the
        // queue at once instead of holding its session until its delay runs out
        timers.setRemoveOnCancelPolicy(true);
        this.scheduler = timers;
        this.hub = new Hub(engine.broker());
        this.subscriptions = new Subscriptions(hub, engine.broker(), settings.recoveryBufferLimit());
        this.presence = new PresenceService(engine.presence(), engine.broker(), hub, scheduler, settings.typingTimeout());
        this.messaging = new MessagingService(engine.broker(), telemetry, settings.defaultHistorySize(), settings.defaultHistoryTtl(),
                settings.historyMaxBytesPerRoom());
        this.roomState = new RoomStateService(engine.roomState(), messaging);
        this.rooms = new RoomService(settings, hub, engine.broker(), presence, messaging, subscriptions, roomRepository,
                tokens, blocking, ext, telemetry, engine.rooms(), roomState);
        this.resumeTokens = new ResumeTokens(resumeSecret);
        // The built-in handlers register through the public API, like any feature; the few internals the
        // connection and topic handlers need are handed to them here (nothing in the core imports this class).
        SessionHandlers.register(this, this, settings, tokens, resumeTokens, engine.sessions(), subscriptions);
        RoomHandlers.register(this, settings);
        MessageHandlers.register(this, subscriptions, ext);
        PresenceHandlers.register(this, ext.presenceAuthorizers);
        StateHandlers.register(this);
    }

    /** Loads persistent rooms (blocking) and starts the lifecycle timers. Call once before accepting connections. */
    public void start() {
        int n = rooms.loadPersistent();
        if (n > 0) log.info("loaded {} persistent rooms", n);
        long every = settings.sweepInterval().toMillis();
        scheduler.scheduleWithFixedDelay(() -> {
            try {
                long now = System.currentTimeMillis();
                rooms.sweep(now);
                rooms.sweepOrphans(now);
            } catch (RuntimeException e) {
                log.warn("room sweep failed", e);
            }
        }, every, every, TimeUnit.MILLISECONDS);
    }

    // ---- HubbubApi ----

    @Override
    public void on(String type, EventHandler handler) {
        dispatcher.on(type, handler);
    }

    @Override
    public void allowRoomTokens(String type) {
        dispatcher.allowRoomTokens(type);
    }

    @Override
    public void wrap(String type, java.util.function.UnaryOperator<EventHandler> wrapper) {
        dispatcher.wrap(type, wrapper);
    }

    /**
     * The client event types that have a handler (built-in and application-registered), sorted; a
     * snapshot. Used to check the published protocol description against what the node really serves.
     */
    public Set<String> eventTypes() {
        return dispatcher.eventTypes();
    }

    @Override
    public void onConnect(ConnectHook hook) {
        ext.connectHooks.add(hook);
    }

    @Override
    public void onJoin(JoinHook hook) {
        ext.joinHooks.add(hook);
    }

    @Override
    public void onPublish(PublishHook hook) {
        ext.publishHooks.add(hook);
    }

    @Override
    public void onTopicSubscribe(io.hubbub.core.api.TopicHook hook) {
        ext.topicHooks.add(hook);
    }

    @Override
    public void authorizePresence(io.hubbub.core.api.PresenceAuthorizer authorizer) {
        ext.presenceAuthorizers.add(java.util.Objects.requireNonNull(authorizer));
    }

    public Extensions extensions() {
        return ext;
    }

    @Override
    public void addRoomListener(RoomListener listener) {
        ext.roomListeners.add(listener);
    }

    @Override
    public void onDisconnect(Consumer<Session> listener) {
        ext.disconnectListeners.add(listener);
    }

    @Override
    public RoomService rooms() {
        return rooms;
    }

    @Override
    public RoomStateService roomState() {
        return roomState;
    }

    @Override
    public MessagingService messaging() {
        return messaging;
    }

    @Override
    public PresenceService presence() {
        return presence;
    }

    @Override
    public Executor blocking() {
        return blocking;
    }

    public CoreSettings settings() {
        return settings;
    }

    public Engine engine() {
        return engine;
    }

    public Hub hub() {
        return hub;
    }

    public Subscriptions subscriptions() {
        return subscriptions;
    }

    public TokenVerifier tokens() {
        return tokens;
    }

    public ResumeTokens resumeTokens() {
        return resumeTokens;
    }

    public Telemetry telemetry() {
        return telemetry;
    }

    public long startedAt() {
        return startedAt;
    }

    public boolean isDraining() {
        return draining;
    }

    // ---- session lifecycle ----

    /**
     * A transport opened a connection. With a principal (authenticated at the handshake) the session
     * is authenticated at once; otherwise it must send {@code auth} within the auth timeout.
     */
    public Session open(SessionTransport transport, Principal principal) {
        Session s = new Session(newSessionId(), transport);
        sessions.put(s.id(), s);
        dispatcher.opened(s);
        if (principal != null) {
            transport.executor().execute(() -> authenticate(s, principal).exceptionally(e -> {
                HubbubException he = HubbubException.from(e);
                s.send(Outbound.Failure.of(null, he));
                s.transport().close(he.code() == ErrorCode.LIMIT_EXCEEDED ? CloseReason.OVERLOADED : CloseReason.UNAUTHORIZED);
                return null;
            }));
        } else {
            ScheduledFuture<?> timeout = scheduler.schedule(() -> {
                if (!s.isAuthenticated() && !s.isClosed()) transport.close(CloseReason.AUTH_TIMEOUT);
            }, settings.authTimeout().toMillis(), TimeUnit.MILLISECONDS);
            s.authTimeout(timeout);
        }
        return s;
    }

    private static String newSessionId() {
        byte[] b = new byte[15];
        RANDOM.nextBytes(b);
        return "s_" + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /**
     * Authenticates a session (on its executor): per-user limit, connect hooks, user channel, online
     * presence; sends {@code session:welcome} and completes with its payload.
     */
    @Override
    public CompletableFuture<ObjectNode> authenticate(Session s, Principal p) {
        if (s.isAuthenticated()) return CompletableFuture.failedFuture(new HubbubException(ErrorCode.CONFLICT, "already authenticated"));
        // Check and add in one atomic step per user: connections of one user arrive on different event
        // loops, and a separate check-then-add would let a burst of them through the limit.
        boolean[] admitted = {false};
        byUser.compute(p.userId(), (k, mine) -> {
            int n = mine == null ? 0 : mine.size();
            if (n >= settings.maxConnectionsPerUser() || (mine != null && mine.contains(s))) return mine;
            admitted[0] = true;
            if (mine == null) return Set.of(s);
            Session[] next = mine.toArray(new Session[n + 1]);
            next[n] = s;
            return Set.of(next);
        });
        if (!admitted[0]) {
            telemetry.limitHit("per_user");
            return CompletableFuture.failedFuture(new HubbubException(ErrorCode.LIMIT_EXCEEDED,
                    "at most " + settings.maxConnectionsPerUser() + " connections per user"));
        }
        s.authenticate(p);
        CompletableFuture<Void> hooks = CompletableFuture.completedFuture(null);
        for (ConnectHook h : ext.connectHooks) hooks = hooks.thenCompose(v -> h.onConnect(s).toCompletableFuture());
        String userChannel = Channels.user(p.userId()); // one string for the hub's and the presence's key: held while connected
        CompletableFuture<Void> online = hooks
                .thenCompose(v -> hub.subscribe(userChannel, s))
                .thenCompose(v -> presence.online(s, userChannel));
        s.online(online); // the disconnect cleanup marks the user offline only after this completed
        return online
                .thenApplyAsync(v -> {
                    ObjectNode w = welcome(s);
                    s.send(new Outbound.Push("session:welcome", w));
                    return w;
                }, s.executor())
                .whenComplete((w, e) -> {
                    if (e != null) s.transport().close(CloseReason.UNAUTHORIZED);
                });
    }

    private ObjectNode welcome(Session s) {
        Principal p = s.principal();
        ObjectNode w = Json.object().put("sessionId", s.id()).put("resumeToken", resumeTokens.issue(s.id()));
        ObjectNode u = RoomJson.user(p.userId(), p.name());
        u.put("role", p.role().name().toLowerCase(java.util.Locale.ROOT));
        w.set("user", u);
        w.put("node", settings.nodeId()).put("protocol", 1);
        ObjectNode extras = welcomeExtras;
        if (extras != null) w.setAll(extras.deepCopy());
        return w;
    }

    /**
     * Fields the server adds to every {@code session:welcome} (heartbeat timing, limits). Set once at
     * startup; the node copies them into each welcome.
     */
    public void welcomeExtras(ObjectNode extras) {
        this.welcomeExtras = extras;
    }

    /** Dispatches one decoded client frame ({@link EventDispatcher}). Must run on the session's executor. */
    public void handle(Session s, Envelope e) {
        dispatcher.handle(s, e);
    }

    /**
     * Charges one client frame to the session's rate limit (the same token bucket {@link #handle}
     * uses). False when the frame is refused: the {@code rate_limited} error for {@code id} was sent,
     * or the session is being closed for flooding. For protocol adapters that act on a client frame
     * without dispatching it to a handler (e.g. Socket.IO event relay). Session's executor only.
     */
    public boolean admit(Session s, Long id) {
        return dispatcher.admit(s, id);
    }

    /** Answers an error (also used by codecs for frames they could not decode). */
    public void fail(Session s, Long id, HubbubException e) {
        dispatcher.fail(s, id, e);
    }

    /**
     * The transport's connection closed (any thread). Leaves rooms and topics, marks the user offline
     * after its last connection, and keeps the session resumable for the resume window.
     */
    @Override
    public CompletableFuture<Void> closed(Session s) {
        if (s.isClosed()) return s.cleanedUp();
        s.markClosed();
        s.executor().execute(() -> cleanup(s));
        return s.cleanedUp();
    }

    /** A live session of this node by id, if any. */
    @Override
    public Session session(String id) {
        return sessions.get(id);
    }

    private void cleanup(Session s) {
        sessions.remove(s.id());
        Principal p = s.principal();
        if (p == null) {
            s.cleanedUp().complete(null);
            return;
        }
        // atomic with authenticate's add: a set is never dropped while another connection joins it
        byUser.computeIfPresent(p.userId(), (k, mine) -> {
            if (!mine.contains(s)) return mine;
            if (mine.size() == 1) return null;
            Set<Session> rest = new java.util.HashSet<>(mine);
            rest.remove(s);
            return Set.copyOf(rest);
        });
        List<String> roomIds = new ArrayList<>(s.rooms().keySet());
        Set<String> topics = new LinkedHashSet<>(s.topics());
        CompletableFuture<Void> saved = engine.sessions().save(new SessionSnapshot(s.id(), p.userId(), new LinkedHashSet<>(roomIds), topics,
                System.currentTimeMillis()), settings.resumeWindow());
        for (String r : roomIds) rooms.leave(s, r, true);
        for (String t : topics) subscriptions.unsubscribe(s, Channels.topic(t));
        for (String u : new ArrayList<>(s.watched())) presence.unwatch(s, u);
        hub.unsubscribe(Channels.user(p.userId()), s);
        CompletableFuture<?> online = s.online();
        (online == null ? CompletableFuture.completedFuture(null) : online.handle((v, e) -> null))
                .thenCompose(v -> presence.offline(s));
        saved.handle((v, e) -> s.cleanedUp().complete(null));
        for (Consumer<Session> l : ext.disconnectListeners) {
            try {
                l.accept(s);
            } catch (RuntimeException e) {
                log.warn("disconnect listener failed", e);
            }
        }
    }

    // ---- operations ----

    public int connectionCount() {
        return sessions.size();
    }

    public int userCount() {
        return byUser.size();
    }

    public Iterable<Session> sessions() {
        return sessions.values();
    }

    /** The user's live sessions on this node: an immutable snapshot. */
    public Set<Session> sessionsOf(String userId) {
        return byUser.getOrDefault(userId, Set.of());
    }

    /** Disconnects every connection of a user; returns how many. */
    public int disconnectUser(String userId, CloseReason reason) {
        int n = 0;
        for (Session s : List.copyOf(sessionsOf(userId))) {
            s.transport().close(reason);
            n++;
        }
        return n;
    }

    /**
     * Starts draining: new connections are refused by the transports, every client is told to
     * reconnect after {@code reconnectAfterMs} (with resume) and its connection closed.
     */
    public void drain(long reconnectAfterMs) {
        drain(reconnectAfterMs, null);
    }

    /**
     * Drains as {@link #drain(long)}; in a cluster {@code url} (may be null) is the WebSocket URL of another
     * live node, sent in {@code server:shutdown} so clients reconnect there.
     */
    public void drain(long reconnectAfterMs, String url) {
        draining = true;
        ObjectNode p = Json.object().put("reconnectAfterMs", reconnectAfterMs);
        if (url != null) p.put("url", url);
        Outbound.Push bye = new Outbound.Push("server:shutdown", p);
        for (Session s : List.copyOf(sessions.values())) {
            s.send(bye);
            s.transport().close(CloseReason.SHUTDOWN);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
