package io.hubbub.core.room;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.api.EventContext;
import io.hubbub.core.api.Extensions;
import io.hubbub.core.api.JoinHook;
import io.hubbub.core.api.PublishHook;
import io.hubbub.core.api.RoomListener;
import io.hubbub.core.auth.Principal;
import io.hubbub.core.auth.TokenVerifier;
import io.hubbub.core.engine.Broker;
import io.hubbub.core.engine.Channels;
import io.hubbub.core.engine.PresenceChange;
import io.hubbub.core.engine.RoomDirectory;
import io.hubbub.core.state.RoomStateService;
import io.hubbub.core.engine.Publication;
import io.hubbub.core.engine.StreamPosition;
import io.hubbub.core.hub.Hub;
import io.hubbub.core.messaging.MessagingService;
import io.hubbub.core.config.CoreSettings;
import io.hubbub.core.telemetry.Telemetry;
import io.hubbub.core.presence.PresenceService;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.protocol.Outbound;
import io.hubbub.core.session.Session;
import io.hubbub.core.session.Subscriptions;
import io.hubbub.core.store.RoomRecord;
import io.hubbub.core.store.RoomRepository;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executor;

/**
 * Rooms: create, join (with recovery), leave (with host hand-over), update, close, invite, history,
 * and the lifecycle sweep (idle, inactive, empty). Who may do what is {@link RoomAccess}'s to decide,
 * where a room not held here comes from {@link RoomLoader}'s, the lifecycle rules {@link RoomSweeper}'s.
 *
 * <p>Threading: methods taking a {@link Session} are called on that session's executor and return
 * stages; continuations that touch session state hop back to it. Room state is thread-safe
 * ({@link Room}). Repository calls (persistent rooms) run on the blocking executor.
 */
public final class RoomService {
    private static final Logger log = LoggerFactory.getLogger(RoomService.class);

    private final CoreSettings settings;
    private final Hub hub;
    private final Broker broker;
    private final PresenceService presence;
    private final MessagingService messaging;
    private final Subscriptions subscriptions;
    private final RoomRepository repository; // null: no persistence
    private final TokenVerifier tokens;
    private final Executor blocking;
    private final Extensions ext;
    private final Telemetry telemetry;
    private final ConcurrentSkipListMap<String, Room> rooms = new ConcurrentSkipListMap<>();
    private final RoomDirectory directory;
    private final RoomStateService state;
    /** Lifetime of a directory entry without refresh; nodes with local members refresh every third of it. */
    private final Duration directoryTtl;
    private final RoomSweeper sweeper;
    private final RoomLoader loader;
    private volatile RoomCreationLimits creationLimits = RoomCreationLimits.none();

    public RoomService(CoreSettings settings, Hub hub, Broker broker, PresenceService presence, MessagingService messaging,
                       Subscriptions subscriptions, RoomRepository repository, TokenVerifier tokens, Executor blocking,
                       Extensions ext, Telemetry telemetry, RoomDirectory directory, RoomStateService state) {
        this.settings = settings;
        this.directory = directory;
        this.state = state;
        this.directoryTtl = RoomLoader.directoryTtl(settings);
        hub.observe(this::observe);
        this.hub = hub;
        this.broker = broker;
        this.presence = presence;
        this.messaging = messaging;
        this.subscriptions = subscriptions;
        this.repository = repository;
        this.tokens = tokens;
        this.blocking = blocking;
        this.ext = ext;
        this.telemetry = telemetry;
        this.sweeper = new RoomSweeper(rooms, settings, directory, directoryTtl, presence, broker, state, ext.roomListeners,
                this::closeRoom);
        this.loader = new RoomLoader(rooms, settings, directory, repository, blocking, sweeper);
    }

    // ---- lookup ----

    public Optional<Room> local(String id) {
        return Optional.ofNullable(rooms.get(id));
    }

    public Map<String, Room> all() {
        return rooms;
    }

    /** The state of a room (key-value and rankings), shared by all nodes; for server code, no checks. */
    public RoomStateService.Handle state(String roomId) {
        return state.of(roomId);
    }

    /**
     * The room from memory; else a non-persistent room from the room directory (created on another
     * node), or a persistent room loaded from the database; the room is then run on this node too.
     */
    public CompletableFuture<Optional<Room>> find(String id) {
        return loader.find(id);
    }

    private CompletableFuture<Room> require(String id) {
        return find(id).thenApply(o -> o.filter(r -> r.state() != RoomState.CLOSED)
                .orElseThrow(() -> HubbubException.notFound("room '" + id + "' does not exist")));
    }

    /** Loads the open persistent rooms (blocking; at startup). */
    public int loadPersistent() {
        return loader.loadPersistent();
    }

    public RoomSettings defaultSettings(String name) {
        return RoomLoader.defaults(settings, name);
    }

    // ---- create ----

    /** Sets the per-user room creation caps (the server does, from its configuration); none by default. */
    public void creationLimits(RoomCreationLimits limits) {
        this.creationLimits = java.util.Objects.requireNonNull(limits, "limits");
    }

    public RoomCreationLimits creationLimits() {
        return creationLimits;
    }

    /** Creates a room (not joining it). {@code conflict} if the id exists. */
    public CompletableFuture<Room> create(Principal creator, String id, RoomSettings s) {
        String roomId = id != null ? id : "r_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        if (!Json.isValidId(roomId)) throw HubbubException.badRequest("invalid room id");
        RoomAccess.checkMayCreate(creator, roomId);
        RoomCreationLimits limits = creationLimits;
        limits.checkRate(creator, telemetry); // every attempt counts, refused or not: the rate bounds the work too
        int persistentCap = s.persistent() ? limits.persistentCap(creator) : 0;
        long now = System.currentTimeMillis();
        String createdBy = creator == null ? null : creator.userId();
        Room room = new Room(roomId, s, createdBy, now);
        if (creator != null && creator.role() != io.hubbub.core.auth.Role.SERVICE) room.host(creator.userId(), creator.name());
        if (rooms.putIfAbsent(roomId, room) != null) {
            return CompletableFuture.failedFuture(new HubbubException(ErrorCode.CONFLICT, "room '" + roomId + "' already exists"));
        }
        if (!s.persistent()) {
            // The directory decides between nodes: an id taken anywhere in the cluster is a conflict.
            return directory.create(RoomLoader.entry(room), directoryTtl).handle((created, e) -> {
                if (e != null || !created) {
                    rooms.remove(roomId, room);
                    if (e != null) throw HubbubException.from(e);
                    throw new HubbubException(ErrorCode.CONFLICT, "room '" + roomId + "' already exists");
                }
                sweeper.registered(roomId, System.currentTimeMillis());
                fireCreated(room);
                return room;
            });
        }
        if (repository == null) {
            rooms.remove(roomId, room);
            return CompletableFuture.failedFuture(HubbubException.unavailable("persistent rooms need a database"));
        }
        return CompletableFuture.supplyAsync(() -> {
            // counted in the database, so cluster-wide; concurrent creates of one user may pass the cap by a few
            if (persistentCap > 0 && repository.countOpenCreatedBy(createdBy) >= persistentCap) {
                throw limits.persistentRefused(telemetry);
            }
            repository.create(new RoomRecord(roomId, s, createdBy, now, false));
            return room;
        }, blocking).whenComplete((r, e) -> {
            if (e != null) rooms.remove(roomId, room);
            else fireCreated(room);
        });
    }

    private void fireCreated(Room room) {
        for (RoomListener l : ext.roomListeners) safe(() -> l.onCreated(room));
    }

    // ---- join ----

    /**
     * Joins the session to a room, replaying missed messages when {@code since} is given, and sends the
     * reply itself (between replay and live messages) when {@code replyId} is non-null.
     */
    public CompletableFuture<JsonNode> join(Session s, String roomId, StreamPosition since, String roomToken, Long replyId) {
        return join(s, roomId, since, roomToken, replyId, true);
    }

    /**
     * As {@link #join(Session, String, StreamPosition, String, Long)}; {@code withMembers} false leaves the
     * member list out of the reply. For callers that do not read it (a feature with its own member view,
     * a session resume): listing a room of N members costs O(N) per join, O(N²) for a room filling up or
     * a reconnect storm.
     */
    public CompletableFuture<JsonNode> join(Session s, String roomId, StreamPosition since, String roomToken, Long replyId,
                                            boolean withMembers) {
        if (s.inRoom(roomId)) return failed(new HubbubException(ErrorCode.CONFLICT, "already in room '" + roomId + "'"));
        try {
            checkRoomsPerConnection(s);
        } catch (HubbubException e) {
            return failed(e);
        }
        return require(roomId).thenComposeAsync(room -> {
            RoomAccess.checkMayJoin(s.principal(), room, roomToken, tokens);
            CompletableFuture<Void> hooks = CompletableFuture.completedFuture(null);
            for (JoinHook h : ext.joinHooks) hooks = hooks.thenCompose(v -> h.beforeJoin(s, room).toCompletableFuture());
            return hooks.thenComposeAsync(v -> admit(s, room, since, replyId, withMembers), s.executor());
        }, s.executor());
    }

    /**
     * Throws {@code limit_exceeded} if the session may not be in one more room. Checked by joins, and by
     * {@code room:create} before it creates anything (a refused create must leave no room behind).
     */
    public void checkRoomsPerConnection(Session s) {
        if (s.rooms().size() >= settings.roomsPerConnection()) {
            telemetry.limitHit("rooms_per_connection");
            throw new HubbubException(ErrorCode.LIMIT_EXCEEDED, "at most " + settings.roomsPerConnection() + " rooms per connection");
        }
    }

    private CompletableFuture<JsonNode> admit(Session s, Room room, StreamPosition since, Long replyId, boolean withMembers) {
        if (s.isClosed()) return failed(HubbubException.unavailable("connection closed"));
        if (s.inRoom(room.id())) return failed(new HubbubException(ErrorCode.CONFLICT, "already in room '" + room.id() + "'"));
        long now = System.currentTimeMillis();
        int cap = room.settings().capacity() > 0 ? room.settings().capacity() : settings.defaultRoomCapacity();
        boolean newUser;
        try {
            newUser = room.addMember(s.userId(), s.principal().name(), now, cap);
        } catch (HubbubException e) {
            telemetry.limitHit("room_capacity");
            throw e;
        }
        s.addRoom(room.id(), now); // reserve: counts against rooms-per-connection, and close() cleans it up
        String channel = Channels.room(room.id());
        boolean withPresence = room.settings().presence();
        CompletableFuture<Subscriptions.Joined> sub = subscriptions.subscribe(s, channel, since);
        CompletableFuture<PresenceChange> pres = withPresence
                ? sub.thenCompose(j -> presence.enterRoom(room, s, now))
                : sub.thenApply(j -> new PresenceChange(newUser, 0));
        CompletableFuture<ArrayNode> members = withPresence && withMembers
                ? pres.thenCompose(pc -> presence.members(room.id()))
                : pres.thenApply(pc -> null);
        return members.handleAsync((list, err) -> {
            if (err != null || s.isClosed() || !s.inRoom(room.id())) {
                subscriptions.abort(s, channel);
                if (s.inRoom(room.id())) {
                    s.removeRoom(room.id());
                    room.removeMember(s.userId(), System.currentTimeMillis());
                    if (withPresence) presence.leaveRoom(room, s);
                }
                throw err != null ? HubbubException.from(err) : HubbubException.unavailable("connection closed");
            }
            Subscriptions.Joined j = sub.join();
            room.touch(now);
            ObjectNode reply = Json.object();
            reply.set("room", RoomJson.view(room));
            reply.set("position", RoomJson.position(j.position()));
            if (j.recovered() != null) reply.put("recovered", j.recovered());
            if (list != null) reply.set("members", list);
            subscriptions.complete(s, channel, j, replyId == null ? null : new Outbound.Reply(replyId, reply));
            if (withPresence && room.settings().joinLeaveEvents() && pres.join().userChanged()) {
                presence.announceJoin(room, s, now);
            }
            for (RoomListener l : ext.roomListeners) safe(() -> l.onJoined(room, s));
            return replyId == null ? reply : EventContext.REPLIED;
        }, s.executor());
    }

    // ---- leave ----

    /** Removes the session from the room (on its executor); {@code announce=false} when the room is closing. */
    public CompletableFuture<Void> leave(Session s, String roomId, boolean announce) {
        return leave(s, roomId, rooms.get(roomId), announce);
    }

    private CompletableFuture<Void> leave(Session s, String roomId, Room room, boolean announce) {
        if (!s.inRoom(roomId)) return failed(HubbubException.notFound("not in room '" + roomId + "'"));
        s.removeRoom(roomId);
        subscriptions.unsubscribe(s, Channels.room(roomId));
        if (room == null) return CompletableFuture.completedFuture(null);
        Room.Departure d = room.removeMember(s.userId(), System.currentTimeMillis());
        CompletableFuture<?> pres = room.settings().presence()
                ? presence.leaveRoom(room, s).thenCompose(pc -> announce && pc.userChanged() && room.settings().joinLeaveEvents()
                        ? presence.announceLeave(roomId, s.userId(), s.principal().name())
                        : CompletableFuture.completedFuture(null))
                : CompletableFuture.completedFuture(null);
        if (announce && d.newHost() != null) {
            ObjectNode p = Json.object().put("room", roomId);
            p.set("host", RoomJson.user(d.newHost().userId(), d.newHost().name()));
            messaging.roomEvent(roomId, "room:host", p);
        }
        for (RoomListener l : ext.roomListeners) safe(() -> l.onLeft(room, s));
        return pres.handle((v, e) -> null);
    }

    // ---- manage ----

    public CompletableFuture<ObjectNode> update(Principal by, String roomId, JsonNode fields) {
        return require(roomId).thenCompose(room -> {
            RoomAccess.requireManager(by, room);
            RoomSettings next = RoomJson.parse(fields, room.settings(), settings.maxHistorySizeFor(by.isAdmin()), false);
            CompletableFuture<Void> saved = next.persistent()
                    ? persist(room, next, false)
                    : directory.put(RoomLoader.entry(room).withSettings(RoomJson.settings(next).toString()), directoryTtl);
            return saved.thenApply(v -> {
                room.settings(next);
                ObjectNode view = RoomJson.view(room);
                ObjectNode p = Json.object();
                p.set("room", view);
                messaging.roomEvent(roomId, "room:updated", p);
                return view;
            });
        });
    }

    private CompletableFuture<Void> persist(Room room, RoomSettings s, boolean closed) {
        if (!s.persistent() || repository == null) return CompletableFuture.completedFuture(null);
        return CompletableFuture.runAsync(() -> repository.update(new RoomRecord(room.id(), s, room.createdBy(), room.createdAt(), closed)), blocking);
    }

    /**
     * Closes a room: members get {@code room:closed} with the reason and are removed; no joins or
     * messages are accepted afterwards. {@code by} null means the server itself (lifecycle, watchdog).
     */
    public CompletableFuture<Void> close(Principal by, String roomId, String reason) {
        return require(roomId).thenCompose(room -> {
            if (by != null) RoomAccess.requireManager(by, room);
            return closeRoom(room, reason);
        });
    }

    /**
     * Every node with members of the room receives the {@code room:closed} publication and removes its
     * local members ({@link #observe}); this node also removes the directory entry, state and history.
     */
    private CompletableFuture<Void> closeRoom(Room room, String reason) {
        room.state(RoomState.CLOSED);
        ObjectNode p = Json.object().put("room", room.id()).put("reason", reason == null ? "closed" : reason);
        CompletableFuture<Void> gone = room.settings().persistent()
                ? CompletableFuture.completedFuture(null)
                : directory.remove(room.id()).handle((r, e) -> null);
        return gone.thenCompose(v -> messaging.roomEvent(room.id(), "room:closed", p).handle((pos, e) -> null))
                .thenCompose(v -> persist(room, room.settings(), true))
                .thenRun(() -> {
                    closedHere(room, reason);
                    broker.removeHistory(Channels.room(room.id()));
                    state.clear(room.id());
                });
    }

    /** The room closed (here or on another node): local members are removed and listeners told, once per node. */
    private void closedHere(Room room, String reason) {
        room.state(RoomState.CLOSED);
        if (!rooms.remove(room.id(), room)) return;
        sweeper.forget(room.id());
        for (Session member : hub.sessions(Channels.room(room.id()))) {
            member.executor().execute(() -> {
                if (member.inRoom(room.id())) leave(member, room.id(), room, false);
            });
        }
        for (RoomListener l : ext.roomListeners) safe(() -> l.onClosed(room, reason));
    }

    /**
     * Follows room events of every node (on the broker's delivery thread, so only quick work): any
     * publication marks activity, {@code room:closed} removes the local members, {@code room:updated}
     * takes the new settings, {@code room:host} the new host.
     */
    private void observe(String channel, Publication pub) {
        if (!Channels.isRoom(channel)) return;
        Room room = rooms.get(Channels.roomId(channel));
        if (room == null) return;
        room.touch(System.currentTimeMillis());
        JsonNode data = pub.data();
        try {
            switch (pub.event()) {
                case "room:closed" -> closedHere(room, Json.optText(data, "reason", "closed"));
                case "room:updated" -> {
                    JsonNode view = data.get("room");
                    if (view != null && view.isObject()) room.settings(RoomJson.parse(view, room.settings(), settings.maxHistorySize(), true));
                }
                case "room:host" -> {
                    JsonNode h = data.get("host");
                    if (h != null && h.hasNonNull("id") && !room.hasMember(room.hostId() == null ? "" : room.hostId())) {
                        room.host(h.get("id").asText(), Json.optText(h, "name", h.get("id").asText()));
                    }
                }
                default -> { }
            }
        } catch (RuntimeException e) {
            log.warn("room event {} of {} not applied: {}", pub.event(), room.id(), e.toString());
        }
        if (!pub.event().equals("room:closed")) {
            for (RoomListener l : ext.roomListeners) safe(() -> l.onEvent(room, pub.event(), data));
        }
    }

    public CompletableFuture<Void> invite(Principal by, String roomId, String userId) {
        return require(roomId).thenCompose(room -> {
            RoomAccess.requireManager(by, room);
            room.invite(userId);
            if (!room.settings().persistent() || repository == null) return CompletableFuture.completedFuture(null);
            return CompletableFuture.runAsync(() -> repository.addMember(roomId, userId), blocking);
        });
    }

    /** A room as visible to {@code p}: private rooms only to members, invitees and admins. */
    public CompletableFuture<ObjectNode> get(Principal p, String roomId) {
        return require(roomId).thenApply(room -> {
            RoomAccess.requireVisible(p, room);
            return RoomJson.view(room);
        });
    }

    /** Public open rooms by id, paged. */
    public ObjectNode list(String after, int limit, boolean includePrivate) {
        return RoomPages.list(rooms, after, limit, includePrivate);
    }

    /** Messages of a room, oldest first; {@code before} pages backwards by offset. */
    public CompletableFuture<ObjectNode> history(String roomId, Long before, int limit) {
        return RoomPages.history(broker, roomId, before, limit);
    }

    /** Client publish: membership, publish policy and hooks checked; recorded in the room's history. */
    public CompletableFuture<StreamPosition> publish(Session s, String roomId, JsonNode data, boolean excludeSelf) {
        return publish(s, roomId, data, excludeSelf, null);
    }

    /**
     * As above; with a {@code clientId} the publish is idempotent per sender (a retry after a lost answer
     * answers the original offset and publishes nothing, while the message is in the room's history).
     */
    public CompletableFuture<StreamPosition> publish(Session s, String roomId, JsonNode data, boolean excludeSelf, String clientId) {
        Room room = rooms.get(roomId);
        if (room == null || !s.inRoom(roomId)) return failed(HubbubException.notFound("not in room '" + roomId + "'"));
        if (room.state() == RoomState.CLOSED) return failed(HubbubException.notFound("room '" + roomId + "' is closed"));
        Principal p = s.principal();
        try {
            RoomAccess.checkMayPublish(p, room);
        } catch (HubbubException e) {
            return failed(e);
        }
        CompletableFuture<JsonNode> d = CompletableFuture.completedFuture(data);
        for (PublishHook h : ext.publishHooks) d = d.thenCompose(x -> h.beforePublish(s, room, x).toCompletableFuture());
        ObjectNode from = RoomJson.user(p.userId(), p.name());
        String key = MessagingService.idempotencyKey(p.userId(), clientId);
        return d.thenCompose(x -> messaging.publishToRoom(room, "message:new", x, from, excludeSelf ? s.id() : null, key));
    }

    // ---- lifecycle (RoomSweeper) ----

    /**
     * One pass of the lifecycle rules: empty ephemeral rooms are removed after the grace period,
     * inactive rooms closed, quiet rooms marked idle. Called periodically by the node.
     */
    public void sweep(long now) {
        sweeper.sweep(now);
    }

    /** See {@link RoomSweeper#sweepOrphans}. */
    public void sweepOrphans(long now) {
        sweeper.sweepOrphans(now);
    }

    /** Non-persistent rooms this node dropped and still watches for their cluster-wide end. */
    public int orphanCount() {
        return sweeper.orphanCount();
    }

    /** See {@link RoomSweeper#shedIdle}. */
    public int shedIdle() {
        return sweeper.shedIdle();
    }

    static void safe(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.warn("room listener failed", e);
        }
    }

    static <T> CompletableFuture<T> failed(Throwable t) {
        return CompletableFuture.failedFuture(t);
    }

    /** Adapts a stage for callers that need a future. */
    public static <T> CompletableFuture<T> cf(CompletionStage<T> s) {
        return s.toCompletableFuture();
    }
}
