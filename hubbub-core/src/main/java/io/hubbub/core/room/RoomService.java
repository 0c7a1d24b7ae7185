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
import io.hubbub.core.engine.HistoryQuery;
import io.hubbub.core.engine.PresenceChange;
import io.hubbub.core.engine.Publication;
import io.hubbub.core.engine.StreamPosition;
import io.hubbub.core.hub.Hub;
import io.hubbub.core.messaging.MessagingService;
import io.hubbub.core.node.CoreSettings;
import io.hubbub.core.node.Telemetry;
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

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executor;

/**
 * Rooms: create, join (with recovery), leave (with host hand-over), update, close, invite, history,
 * and the lifecycle sweep (idle, inactive, empty).
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

    public RoomService(CoreSettings settings, Hub hub, Broker broker, PresenceService presence, MessagingService messaging,
                       Subscriptions subscriptions, RoomRepository repository, TokenVerifier tokens, Executor blocking,
                       Extensions ext, Telemetry telemetry) {
        this.settings = settings;
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
    }

    // ---- lookup ----

    public Optional<Room> local(String id) {
        return Optional.ofNullable(rooms.get(id));
    }

    public Map<String, Room> all() {
        return rooms;
    }

    /** The room from memory, or a persistent room loaded from the database (e.g. created by another node). */
    public CompletableFuture<Optional<Room>> find(String id) {
        Room r = rooms.get(id);
        if (r != null || repository == null) return CompletableFuture.completedFuture(Optional.ofNullable(r));
        return CompletableFuture.supplyAsync(() -> repository.find(id), blocking).thenApply(rec -> rec
                .filter(x -> !x.closed())
                .map(x -> rooms.computeIfAbsent(x.id(), k -> fromRecord(x))));
    }

    private CompletableFuture<Room> require(String id) {
        return find(id).thenApply(o -> o.filter(r -> r.state() != RoomState.CLOSED)
                .orElseThrow(() -> HubbubException.notFound("room '" + id + "' does not exist")));
    }

    private static Room fromRecord(RoomRecord rec) {
        return new Room(rec.id(), rec.settings(), rec.createdBy(), rec.createdAt());
    }

    /** Loads the open persistent rooms (blocking; at startup). */
    public int loadPersistent() {
        if (repository == null) return 0;
        int n = 0;
        for (RoomRecord rec : repository.listOpen()) {
            Room room = fromRecord(rec);
            if (rec.settings().visibility() == Visibility.PRIVATE) room.invited(repository.members(rec.id()));
            rooms.putIfAbsent(rec.id(), room);
            n++;
        }
        return n;
    }

    public RoomSettings defaultSettings(String name) {
        return RoomSettings.defaults(name, settings.defaultHistorySize(), settings.defaultHistoryTtl().toSeconds());
    }

    // ---- create ----

    /** Creates a room (not joining it). {@code conflict} if the id exists. */
    public CompletableFuture<Room> create(Principal creator, String id, RoomSettings s) {
        String roomId = id != null ? id : "r_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
        if (!Json.isValidId(roomId)) throw HubbubException.badRequest("invalid room id");
        if (creator != null && creator.roomScope() != null) {
            throw HubbubException.forbidden("a room-scoped token cannot create rooms");
        }
        long now = System.currentTimeMillis();
        String createdBy = creator == null ? null : creator.userId();
        Room room = new Room(roomId, s, createdBy, now);
        if (creator != null && creator.role() != io.hubbub.core.auth.Role.SERVICE) room.host(creator.userId(), creator.name());
        if (rooms.putIfAbsent(roomId, room) != null) {
            return CompletableFuture.failedFuture(new HubbubException(ErrorCode.CONFLICT, "room '" + roomId + "' already exists"));
        }
        if (!s.persistent() || repository == null) {
            if (s.persistent()) rooms.remove(roomId, room);
            if (s.persistent()) return CompletableFuture.failedFuture(HubbubException.unavailable("persistent rooms need a database"));
            fireCreated(room);
            return CompletableFuture.completedFuture(room);
        }
        return CompletableFuture.supplyAsync(() -> {
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
        if (s.inRoom(roomId)) return failed(new HubbubException(ErrorCode.CONFLICT, "already in room '" + roomId + "'"));
        try {
            checkRoomsPerConnection(s);
        } catch (HubbubException e) {
            return failed(e);
        }
        return require(roomId).thenComposeAsync(room -> {
            checkMayJoin(s, room, roomToken);
            CompletableFuture<Void> hooks = CompletableFuture.completedFuture(null);
            for (JoinHook h : ext.joinHooks) hooks = hooks.thenCompose(v -> h.beforeJoin(s, room).toCompletableFuture());
            return hooks.thenComposeAsync(v -> admit(s, room, since, replyId), s.executor());
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

    private CompletableFuture<JsonNode> admit(Session s, Room room, StreamPosition since, Long replyId) {
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
        CompletableFuture<ArrayNode> members = withPresence
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
            reply.set("position", position(j.position()));
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

    private void checkMayJoin(Session s, Room room, String roomToken) {
        Principal p = s.principal();
        if (!p.mayEnter(room.id())) throw HubbubException.forbidden("this token is scoped to other rooms");
        if (room.settings().visibility() == Visibility.PUBLIC || p.isAdmin()) return;
        if (p.userId().equals(room.createdBy()) || p.userId().equals(room.hostId()) || room.isInvited(p.userId())) return;
        if (p.roomScope() != null && p.roomScope().contains(room.id())) return;
        if (roomToken != null) {
            Principal rt = tokens.verify(roomToken);
            if (rt.roomScope() != null && rt.roomScope().contains(room.id()) && rt.userId().equals(p.userId())) return;
        }
        throw HubbubException.forbidden("room '" + room.id() + "' is private");
    }

    public static ObjectNode position(StreamPosition p) {
        ObjectNode o = Json.object().put("offset", p.offset());
        o.put("epoch", p.epoch());
        return o;
    }

    // ---- leave ----

    /** Removes the session from the room (on its executor); {@code announce=false} when the room is closing. */
    public CompletableFuture<Void> leave(Session s, String roomId, boolean announce) {
        if (!s.inRoom(roomId)) return failed(HubbubException.notFound("not in room '" + roomId + "'"));
        s.removeRoom(roomId);
        subscriptions.unsubscribe(s, Channels.room(roomId));
        Room room = rooms.get(roomId);
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

    private static void requireManager(Principal p, Room room) {
        if (p.isAdmin() || p.userId().equals(room.hostId())) return;
        throw HubbubException.forbidden("only the host or an admin may manage room '" + room.id() + "'");
    }

    public CompletableFuture<ObjectNode> update(Principal by, String roomId, JsonNode fields) {
        return require(roomId).thenCompose(room -> {
            requireManager(by, room);
            RoomSettings next = RoomJson.parse(fields, room.settings(), settings.maxHistorySize(), false);
            return persist(room, next, false).thenApply(v -> {
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
            if (by != null) requireManager(by, room);
            return closeRoom(room, reason);
        });
    }

    private CompletableFuture<Void> closeRoom(Room room, String reason) {
        room.state(RoomState.CLOSED);
        ObjectNode p = Json.object().put("room", room.id()).put("reason", reason == null ? "closed" : reason);
        return messaging.roomEvent(room.id(), "room:closed", p).handle((pos, e) -> null)
                .thenCompose(v -> persist(room, room.settings(), true))
                .thenRun(() -> {
                    for (Session member : hub.sessions(Channels.room(room.id()))) {
                        member.executor().execute(() -> {
                            if (member.inRoom(room.id())) leave(member, room.id(), false);
                        });
                    }
                    rooms.remove(room.id(), room);
                    broker.removeHistory(Channels.room(room.id()));
                    for (RoomListener l : ext.roomListeners) safe(() -> l.onClosed(room, reason));
                });
    }

    public CompletableFuture<Void> invite(Principal by, String roomId, String userId) {
        return require(roomId).thenCompose(room -> {
            requireManager(by, room);
            room.invite(userId);
            if (!room.settings().persistent() || repository == null) return CompletableFuture.completedFuture(null);
            return CompletableFuture.runAsync(() -> repository.addMember(roomId, userId), blocking);
        });
    }

    /** A room as visible to {@code p}: private rooms only to members, invitees and admins. */
    public CompletableFuture<ObjectNode> get(Principal p, String roomId) {
        return require(roomId).thenApply(room -> {
            if (room.settings().visibility() == Visibility.PRIVATE && !p.isAdmin() && !room.hasMember(p.userId())
                    && !room.isInvited(p.userId()) && !p.userId().equals(room.createdBy())) {
                throw HubbubException.notFound("room '" + roomId + "' does not exist");
            }
            return RoomJson.view(room);
        });
    }

    /** Public open rooms by id, paged. */
    public ObjectNode list(String after, int limit, boolean includePrivate) {
        ArrayNode arr = Json.NODES.arrayNode();
        Map<String, Room> view = after == null ? rooms : rooms.tailMap(after, false);
        String last = null;
        boolean more = false;
        for (Room r : view.values()) {
            if (r.state() == RoomState.CLOSED) continue;
            if (!includePrivate && r.settings().visibility() != Visibility.PUBLIC) continue;
            if (arr.size() == limit) {
                more = true;
                break;
            }
            arr.add(RoomJson.view(r));
            last = r.id();
        }
        ObjectNode out = Json.object();
        out.set("rooms", arr);
        if (more) out.put("next", last);
        else out.putNull("next");
        return out;
    }

    /** Messages of a room, oldest first; {@code before} pages backwards by offset. */
    public CompletableFuture<ObjectNode> history(String roomId, Long before, int limit) {
        return broker.history(Channels.room(roomId), HistoryQuery.latest(0)).thenApply(h -> {
            List<Publication> pubs = new ArrayList<>();
            for (Publication p : h.publications()) if (before == null || p.offset() < before) pubs.add(p);
            List<Publication> page = pubs.subList(Math.max(0, pubs.size() - limit), pubs.size());
            ArrayNode arr = Json.NODES.arrayNode();
            for (Publication p : page) arr.add(Hub.toPush(p).payload());
            ObjectNode out = Json.object();
            out.set("messages", arr);
            out.set("position", position(h.position()));
            return out;
        });
    }

    /** Client publish: membership, publish policy and hooks checked; recorded in the room's history. */
    public CompletableFuture<StreamPosition> publish(Session s, String roomId, JsonNode data, boolean excludeSelf) {
        Room room = rooms.get(roomId);
        if (room == null || !s.inRoom(roomId)) return failed(HubbubException.notFound("not in room '" + roomId + "'"));
        if (room.state() == RoomState.CLOSED) return failed(HubbubException.notFound("room '" + roomId + "' is closed"));
        Principal p = s.principal();
        switch (room.settings().publishPolicy()) {
            case MEMBERS -> { }
            case HOST -> {
                if (!p.isAdmin() && !p.userId().equals(room.hostId())) return failed(HubbubException.forbidden("only the host may publish in this room"));
            }
            case SERVER -> {
                if (!p.isAdmin()) return failed(HubbubException.forbidden("only the server may publish in this room"));
            }
        }
        CompletableFuture<JsonNode> d = CompletableFuture.completedFuture(data);
        for (PublishHook h : ext.publishHooks) d = d.thenCompose(x -> h.beforePublish(s, room, x).toCompletableFuture());
        ObjectNode from = RoomJson.user(p.userId(), p.name());
        return d.thenCompose(x -> messaging.publishToRoom(room, "message:new", x, from, excludeSelf ? s.id() : null));
    }

    // ---- lifecycle ----

    /**
     * One pass of the lifecycle rules: empty ephemeral rooms are removed after the grace period,
     * inactive rooms closed, quiet rooms marked idle. Called periodically by the node.
     */
    public void sweep(long now) {
        for (Room room : rooms.values()) {
            if (room.state() == RoomState.CLOSED) continue;
            boolean empty = room.memberCount() == 0;
            if (empty && !room.settings().persistent() && now - room.emptySince() >= settings.emptyRoomGrace().toMillis()) {
                if (rooms.remove(room.id(), room)) {
                    room.state(RoomState.CLOSED);
                    broker.removeHistory(Channels.room(room.id()));
                    for (RoomListener l : ext.roomListeners) safe(() -> l.onClosed(room, "empty"));
                }
            } else if (!room.settings().persistent() && now - room.lastActivity() >= settings.closeInactiveAfter().toMillis()) {
                // persistent rooms are kept (they only go idle): closing them would lose an app's chat
                closeRoom(room, "inactive");
            } else if (room.state() == RoomState.ACTIVE && now - room.lastActivity() >= settings.idleAfter().toMillis()) {
                room.state(RoomState.IDLE);
            }
        }
    }

    /** Memory pressure: closes idle rooms (and empty ephemeral ones) at once. Returns how many. */
    public int shedIdle() {
        int n = 0;
        for (Room room : rooms.values()) {
            if (room.state() == RoomState.IDLE || (room.memberCount() == 0 && !room.settings().persistent())) {
                closeRoom(room, "server under memory pressure");
                n++;
            }
        }
        return n;
    }

    private static void safe(Runnable r) {
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
