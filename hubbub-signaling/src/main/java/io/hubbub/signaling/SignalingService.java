package io.hubbub.signaling;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.api.EventContext;
import io.hubbub.core.api.HubbubApi;
import io.hubbub.core.api.RoomListener;
import io.hubbub.core.auth.Principal;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.protocol.Outbound;
import io.hubbub.core.protocol.Payloads;
import io.hubbub.core.room.PublishPolicy;
import io.hubbub.core.room.Room;
import io.hubbub.core.room.RoomJson;
import io.hubbub.core.room.RoomSettings;
import io.hubbub.core.room.RoomState;
import io.hubbub.core.room.Visibility;
import io.hubbub.core.session.Session;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;

import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The signaling events on top of core rooms. A signaling room is a core room whose metadata carries
 * {@code "signaling": true} (plus the seed's optional fileId/fileName): capacity, the host and its
 * hand-over, idle/closed states, the cluster-wide directory and presence all come from the core, so the
 * same room and peers are visible over the native protocol, Socket.IO, the seed adapter and HTTP.
 *
 * <p>Identity: the sender of every relayed signal is the connection's authenticated principal; a payload
 * cannot name it (strict binding refuses unknown fields such as {@code from}).
 */
final class SignalingService implements RoomListener {
    static final String ID = "[A-Za-z0-9_.:-]{1,64}";

    /** {@code signal:join}: join (and with {@code create}, create if absent) a signaling room. */
    record Join(@NotNull @Pattern(regexp = ID) String room, Boolean create, @Size(min = 1, max = 100) String name,
                @Size(max = 128) String fileId, @Size(max = 200) String fileName, @Min(2) @Max(64) Integer capacity,
                @JsonProperty("private") Boolean privateRoom) {}

    /** {@code signal:send}: one signal to one named peer of the same room. */
    record Send(@NotNull @Pattern(regexp = ID) String room, @NotNull @Size(min = 1, max = 128) String to,
                @NotNull @Size(min = 1, max = 32) String kind, JsonNode signal) {}

    record RoomRef(@NotNull @Pattern(regexp = ID) String room) {}

    private final HubbubApi api;
    private final SignalingSettings settings;
    private final IceServers ice;
    private final PeerTracker<Session> tracker;
    private final SignalingMetrics metrics;
    private final Clock clock;

    SignalingService(HubbubApi api, SignalingSettings settings, IceServers ice, PeerTracker<Session> tracker,
                     SignalingMetrics metrics, Clock clock) {
        this.api = api;
        this.settings = settings;
        this.ice = ice;
        this.tracker = tracker;
        this.metrics = metrics;
        this.clock = clock;
    }

    void register() {
        // a peer that holds only a room token (the seed's flow) signals in that room and nowhere else
        for (String t : List.of("signal:join", "signal:leave", "signal:send", "signal:heartbeat", "signal:ice-servers", "signal:peers"))
            api.allowRoomTokens(t);
        api.on("signal:join", this::join);
        api.on("signal:leave", c -> {
            RoomRef r = Payloads.bind(c.payload(), RoomRef.class);
            return api.rooms().leave(c.session(), r.room(), true).thenApply(v -> Json.object());
        });
        api.on("signal:send", this::send);
        api.on("signal:heartbeat", c -> {
            tracker.heartbeat(c.session().id(), clock.millis());
            return EventContext.reply(Json.object().put("ts", clock.millis()).put("interval", settings.heartbeatInterval().toMillis()));
        });
        api.on("signal:ice-servers", c -> EventContext.reply(ice.forUser(c.principal().userId(), clock.millis())));
        api.on("signal:peers", c -> {
            RoomRef r = Payloads.bind(c.payload(), RoomRef.class);
            if (!c.session().inRoom(r.room())) throw HubbubException.notFound("not in room '" + r.room() + "'");
            return peers(r.room()).thenApply(list -> {
                ObjectNode o = Json.object();
                o.set("peers", list);
                return o;
            });
        });
        api.addRoomListener(this);
        api.onJoin((session, room) -> isSignaling(room) ? checkCapacity(session, room) : CompletableFuture.completedFuture(null));
    }

    /**
     * The core counts a room's capacity per node; a mesh's capacity is for the whole cluster, so joins of
     * signaling rooms are also checked against the peers on every node (presence). Two joins racing on two
     * nodes for the last place can both pass (documented).
     */
    private CompletableFuture<Void> checkCapacity(Session s, Room room) {
        int cap = room.settings().capacity();
        if (cap <= 0) return CompletableFuture.completedFuture(null);
        return api.presence().members(room.id()).thenAccept(members -> {
            int others = 0;
            for (JsonNode m : members) {
                if (m.path("id").asText().equals(s.userId())) return; // a user's further connection is the same peer
                others++;
            }
            if (others >= cap) throw new HubbubException(ErrorCode.ROOM_FULL, "room is full (" + cap + " peers)");
        });
    }

    static boolean isSignaling(Room r) {
        JsonNode m = r.settings().metadata();
        return m != null && m.path("signaling").asBoolean(false);
    }

    RoomSettings roomSettings(String name, Integer capacity, boolean priv, String fileId, String fileName) {
        ObjectNode meta = Json.object().put("signaling", true);
        if (fileId != null) meta.put("fileId", fileId);
        if (fileName != null) meta.put("fileName", fileName);
        return new RoomSettings(name, capacity == null ? settings.capacity() : capacity, priv ? Visibility.PRIVATE : Visibility.PUBLIC,
                PublishPolicy.MEMBERS, 0, 0, true, false, meta, false, false);
    }

    /** Creates a signaling room; {@code conflict} if the id is taken. */
    CompletableFuture<Room> create(Principal by, String id, RoomSettings s) {
        return api.rooms().create(by, id, s).thenApply(r -> {
            metrics.roomCreated();
            return r;
        });
    }

    private CompletionStage<JsonNode> join(EventContext c) {
        Join bound = joinOf(c.payload());
        Join j = bound != null ? bound : Payloads.bind(c.payload(), Join.class);
        Session s = c.session();
        if (s.inRoom(j.room())) throw new HubbubException(ErrorCode.CONFLICT, "already in room '" + j.room() + "'");
        if (tracker.size() >= SignalingFeature.MAX_PEERS_PER_NODE)
            throw new HubbubException(ErrorCode.LIMIT_EXCEEDED, "this node serves its maximum of signaling peers");
        CompletableFuture<Room> ready = CompletableFuture.completedFuture(null);
        if (Boolean.TRUE.equals(j.create())) {
            RoomSettings rs = roomSettings(j.name() == null ? j.room() : j.name(), j.capacity(), Boolean.TRUE.equals(j.privateRoom()),
                    j.fileId(), j.fileName());
            ready = create(c.principal(), j.room(), rs).handle((r, e) -> {
                if (e != null && HubbubException.from(e).code() != ErrorCode.CONFLICT) throw HubbubException.from(e);
                return r; // null when it exists: joined below like any other
            });
        }
        // the room just created is used as is (no second lookup); the core's join reply carries the room's
        // presence list, which becomes the peer list (no second presence read)
        return ready.thenCompose(created -> created != null ? CompletableFuture.completedFuture(Optional.of(created)) : api.rooms().find(j.room()))
                .thenComposeAsync(found -> {
                    Room room = found.orElseThrow(() -> HubbubException.notFound("no signaling room '" + j.room() + "'"));
                    if (!isSignaling(room)) throw HubbubException.badRequest("room '" + j.room() + "' is not a signaling room");
                    return api.rooms().join(s, room.id(), null, null, null).thenApply(joined -> {
                        JsonNode members = joined.get("members");
                        ObjectNode view = view(room, members instanceof ArrayNode a ? peers(room, a) : Json.NODES.arrayNode());
                        ObjectNode reply = Json.object();
                        reply.set("room", view);
                        reply.set("peers", view.get("peers"));
                        reply.set("self", peerInfo(room, s.userId(), s.principal().name(), s.connectedAt(), clock.millis()));
                        reply.setAll(ice.forUser(s.userId(), clock.millis()));
                        return (JsonNode) reply;
                    });
                }, s.executor());
    }

    /**
     * Relays one signal. The per-signal path (thousands per second per node): the payload is read by hand
     * when it is plainly valid ({@link #sendOf}; anything else goes through {@link Payloads#bind} for the
     * documented error), the signal's size is counted without encoding it, and a peer present on this node
     * is checked and relayed synchronously; only a peer elsewhere costs a presence read.
     */
    private CompletionStage<JsonNode> send(EventContext c) {
        Send m = sendOf(c.payload());
        if (m == null) m = Payloads.bind(c.payload(), Send.class);
        Session s = c.session();
        if (!s.inRoom(m.room())) throw HubbubException.notFound("not in room '" + m.room() + "'");
        JsonNode d = m.signal() == null || m.signal().isNull() || m.signal().isMissingNode() ? null : m.signal();
        int size = d == null ? 0 : Signal.jsonSize(d);
        Signal signal;
        try {
            signal = Signal.parse(m.kind(), d, size, settings.maxSignal().toIntBytes());
        } catch (HubbubException e) {
            if (e.code() == ErrorCode.TOO_LARGE) metrics.refused("too_large");
            throw e;
        }
        if (m.to().equals(s.userId())) throw HubbubException.badRequest("a peer cannot signal itself");
        PeerTracker.Peer<Session> self = tracker.get(s.id(), m.room());
        if (Signal.isCandidate(signal) && self != null && !self.allowCandidate()) {
            metrics.refused("rate_limited");
            throw new HubbubException(ErrorCode.RATE_LIMITED, "too many ICE candidates; at most " + settings.candidatesPerSecond() + "/s");
        }
        long now = clock.millis();
        tracker.heartbeat(s.id(), now);
        // the room this connection joined (held while it is a member: leaving or closing drops the entry)
        Room local = self != null && self.roomHandle() instanceof Room r && r.state() != RoomState.CLOSED ? r
                : api.rooms().local(m.room()).orElse(null);
        if (local != null) local.touch(now);
        Principal me = c.principal();
        Send sent = m;
        if (local != null && local.hasMember(m.to())) return relay(sent, signal, size, me);
        return api.presence().members(m.room()).thenCompose(list -> {
            for (JsonNode p : list) if (sent.to().equals(p.path("id").asText())) return relay(sent, signal, size, me);
            metrics.refused("peer_gone");
            throw new HubbubException(ErrorCode.PEER_GONE, "peer '" + sent.to() + "' is not in room '" + sent.room() + "'",
                    Json.object().put("peer", sent.to()).put("room", sent.room()));
        });
    }

    private CompletionStage<JsonNode> relay(Send m, Signal signal, int size, Principal me) {
        ObjectNode data = Json.object().put("room", m.room()).put("kind", signal.kind());
        data.set("signal", signal.data());
        metrics.relayed(signal.kind(), size);
        return api.messaging().publishToUser(m.to(), "signal:relay", data, RoomJson.user(me.userId(), me.name()))
                .thenApply(ts -> (JsonNode) Json.object().put("delivered", true));
    }

    /**
     * {@code signal:send} read without the binder when it is plainly valid: only the four known fields,
     * {@code room}/{@code to}/{@code kind} strings within {@link Send}'s constraints. Null otherwise, and
     * the caller binds it with {@link Payloads#bind}, which names the bad field; so both paths accept and
     * refuse exactly the same payloads.
     */
    static Send sendOf(JsonNode p) {
        if (p == null || !p.isObject()) return null;
        JsonNode room = p.get("room"), to = p.get("to"), kind = p.get("kind"), signal = p.get("signal");
        if (p.size() != (signal == null ? 3 : 4) || room == null || to == null || kind == null) return null;
        if (!room.isTextual() || !to.isTextual() || !kind.isTextual()) return null;
        String r = room.textValue(), t = to.textValue(), k = kind.textValue();
        if (!isId(r) || t.isEmpty() || t.length() > 128 || k.isEmpty() || k.length() > 32) return null;
        return new Send(r, t, k, signal);
    }

    private static final java.util.Set<String> JOIN_FIELDS = java.util.Set.of("room", "create", "name", "fileId", "fileName", "capacity", "private");

    /**
     * {@code signal:join} read without the binder when it is plainly valid (the binder with its validator
     * was the largest single cost of a join in the set-up profile): only known fields, each of the right
     * JSON type within {@link Join}'s constraints, or null where optional. Null otherwise, and the caller
     * binds it with {@link Payloads#bind} for the documented error, as for {@link #sendOf}.
     */
    static Join joinOf(JsonNode p) {
        if (p == null || !p.isObject()) return null;
        for (var it = p.fieldNames(); it.hasNext(); ) if (!JOIN_FIELDS.contains(it.next())) return null;
        JsonNode room = p.get("room");
        if (room == null || !room.isTextual() || !isId(room.textValue())) return null;
        JsonNode create = p.get("create"), priv = p.get("private"), cap = p.get("capacity");
        if (!optional(create, JsonNode::isBoolean) || !optional(priv, JsonNode::isBoolean)) return null;
        if (!optional(cap, n -> n.isInt() && n.intValue() >= 2 && n.intValue() <= 64)) return null;
        String name = text(p.get("name"), 1, 100), fileId = text(p.get("fileId"), 0, 128), fileName = text(p.get("fileName"), 0, 200);
        if (name == INVALID || fileId == INVALID || fileName == INVALID) return null;
        return new Join(room.textValue(), isNull(create) ? null : create.booleanValue(), name, fileId, fileName,
                isNull(cap) ? null : cap.intValue(), isNull(priv) ? null : priv.booleanValue());
    }

    private static final String INVALID = new String("invalid");

    private static boolean isNull(JsonNode n) {
        return n == null || n.isNull();
    }

    private static boolean optional(JsonNode n, java.util.function.Predicate<JsonNode> ok) {
        return isNull(n) || ok.test(n);
    }

    /** The text of an optional string field of {@code min..max} chars, null if absent, {@link #INVALID} otherwise. */
    private static String text(JsonNode n, int min, int max) {
        if (isNull(n)) return null;
        if (!n.isTextual()) return INVALID;
        int len = n.textValue().length();
        return len >= min && len <= max ? n.textValue() : INVALID;
    }

    /** {@link #ID} without a regex: 1..64 of {@code A-Z a-z 0-9 _ . : -}. */
    static boolean isId(String s) {
        int n = s.length();
        if (n < 1 || n > 64) return false;
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' || c == ':' || c == '-'))
                return false;
        }
        return true;
    }

    // ---- room listener: peers come and go ----

    @Override
    public void onJoined(Room room, Session s) {
        if (!isSignaling(room)) return;
        long now = clock.millis();
        try {
            tracker.add(s, s.id(), s.userId(), s.principal().name(), room.id(), now).roomHandle(room);
        } catch (HubbubException e) {
            return; // checked before the join; a race past the bound only loses heartbeat tracking
        }
        metrics.peerJoined();
        if (ice.hasTurn()) tracker.iceRefreshAt(s.id(), room.id(), now + ice.refreshAfterMillis());
        if (countSessions(room.id(), s.userId()) == 1) { // the user's first connection here: a new peer
            api.messaging().publishToRoom(room, "signal:peer-joined", peerInfo(room, s.userId(), s.principal().name(), now, now),
                    RoomJson.user(s.userId(), s.principal().name()), s.id());
        }
    }

    private int countSessions(String room, String userId) {
        Room r = api.rooms().local(room).orElse(null);
        if (r == null) return 1;
        for (Room.Member m : r.members()) if (m.userId().equals(userId)) return m.sessions();
        return 0;
    }

    @Override
    public void onLeft(Room room, Session s) {
        PeerTracker.Peer<Session> p = tracker.remove(s.id(), room.id());
        if (p == null || !isSignaling(room) || room.state() == RoomState.CLOSED) return;
        if (room.hasMember(s.userId())) return; // another connection of the same user is still in
        ObjectNode payload = Json.object().put("room", room.id());
        payload.set("from", RoomJson.user(p.userId(), p.name()));
        payload.set("data", peerInfo(room, p.userId(), p.name(), p.connectedAt(), p.lastHeartbeat()));
        api.messaging().roomEvent(room.id(), "signal:peer-left", payload);
        if (room.hostId() == null) electHost(room, p.userId());
    }

    /**
     * The core hands the host role over among one node's members; when the last local member leaves, the
     * room here has no host although peers remain on other nodes. Then the longest-present remaining peer
     * (cluster-wide presence) becomes host and every node is told with the core's {@code room:host} event.
     * Deterministic, so two nodes electing at once agree.
     */
    private void electHost(Room room, String leaver) {
        api.presence().members(room.id()).thenAccept(members -> {
            JsonNode next = null;
            for (JsonNode m : members) {
                if (m.path("id").asText().equals(leaver)) continue;
                if (next == null || m.path("joinedAt").asLong() < next.path("joinedAt").asLong()) next = m;
            }
            if (next == null || room.hostId() != null) return;
            ObjectNode p = Json.object().put("room", room.id());
            p.set("host", RoomJson.user(next.path("id").asText(), next.path("name").asText()));
            api.messaging().roomEvent(room.id(), "room:host", p);
        });
    }

    // ---- views ----

    /** The seed's PeerInfo: userId, userName, isHost, connectedAt, lastHeartbeat (0 if held by another node). */
    ObjectNode peerInfo(Room room, String userId, String name, long connectedAt, long lastHeartbeat) {
        return Json.object().put("userId", userId).put("userName", name).put("isHost", userId.equals(room.hostId()))
                .put("connectedAt", connectedAt).put("lastHeartbeat", lastHeartbeat);
    }

    /** Peers of a room on every node (presence), with heartbeats known here. */
    CompletableFuture<ArrayNode> peers(String roomId) {
        Room room = api.rooms().local(roomId).orElse(null);
        return api.presence().members(roomId).thenApply(members -> peers(room, members));
    }

    /** The PeerInfo list of a presence member list ({@code room} null when not held here). */
    ArrayNode peers(Room room, Iterable<JsonNode> members) {
        ArrayNode out = Json.NODES.arrayNode();
        for (JsonNode m : members) {
            String id = m.path("id").asText();
            long joined = m.path("joinedAt").asLong();
            ObjectNode info = Json.object().put("userId", id).put("userName", m.path("name").asText(id))
                    .put("isHost", room != null && id.equals(room.hostId())).put("connectedAt", joined)
                    .put("lastHeartbeat", room == null ? 0 : tracker.lastHeartbeat(room.id(), id));
            info.put("status", m.path("status").asText("active"));
            out.add(info);
        }
        return out;
    }

    /** The seed's RoomMetadata: roomId, roomName, hostId, hostName, fileId, fileName, createdAt, lastActivity, state, capacity, peers, peerCount. */
    CompletableFuture<ObjectNode> view(Room room) {
        return peers(room.id()).thenApply(peers -> view(room, peers));
    }

    ObjectNode view(Room room, ArrayNode peers) {
        JsonNode meta = room.settings().metadata();
        ObjectNode o = Json.object().put("roomId", room.id()).put("roomName", room.settings().name())
                .put("hostId", room.hostId()).put("hostName", room.hostName());
        o.put("fileId", meta == null ? null : meta.path("fileId").asText(null));
        o.put("fileName", meta == null ? null : meta.path("fileName").asText(null));
        o.put("createdAt", room.createdAt()).put("lastActivity", room.lastActivity())
                .put("state", room.state().name().toLowerCase(java.util.Locale.ROOT)).put("capacity", room.settings().capacity())
                .put("private", room.settings().visibility() == Visibility.PRIVATE);
        o.set("peers", peers);
        o.put("peerCount", peers.size());
        return o;
    }

    // ---- timers (on the features' scheduler: quick, non-blocking) ----

    /** Sends {@code signal:heartbeat} to every peer connection and removes peers silent for {@code timeoutMillis}. */
    int heartbeatTick(long timeoutMillis, String reason) {
        long now = clock.millis();
        int removed = 0;
        for (PeerTracker.Peer<Session> p : tracker.silent(now, timeoutMillis)) {
            removed++;
            Session s = p.session();
            if (s.isClosed()) {
                // its disconnect cleanup leaves the rooms (onLeft announces and forgets it); an entry still
                // here after that cleanup finished would be a leak, so it goes
                if (s.cleanedUp().isDone()) tracker.remove(p.sessionId(), p.room());
                continue;
            }
            s.executor().execute(() -> {
                if (!s.inRoom(p.room())) {
                    tracker.remove(p.sessionId(), p.room());
                    return;
                }
                s.send(new Outbound.Push("signal:removed", Json.object().put("room", p.room()).put("reason", reason)));
                api.rooms().leave(s, p.room(), true);
            });
        }
        return removed;
    }

    /**
     * One push shared by every peer connection, so it is encoded once per protocol (its encode cache), not
     * once per connection: at 10,000 peers the per-connection encodes were a burst of CPU on the event
     * loops every interval, which relayed signals waited behind.
     */
    void pushHeartbeats() {
        ObjectNode hb = Json.object().put("ts", clock.millis()).put("interval", settings.heartbeatInterval().toMillis());
        Outbound.Push push = new Outbound.Push("signal:heartbeat", hb, true);
        for (Session s : tracker.sessions()) s.send(push);
    }

    /**
     * Long calls: a connection whose TURN credentials reach their refresh time gets fresh ones pushed as
     * {@code signal:ice-servers} (apply with {@code pc.setConfiguration}); checked on every heartbeat tick.
     */
    void pushIceRefresh() {
        if (!ice.hasTurn()) return;
        long now = clock.millis();
        for (Session s : tracker.iceRefreshDue(now, now + ice.refreshAfterMillis())) {
            String user = s.userId();
            if (user != null) s.send(new Outbound.Push("signal:ice-servers", ice.forUser(user, now)));
        }
    }

    /**
     * Closes signaling rooms inactive for {@code inactiveMillis}; deletes rooms empty on every node for at
     * least {@code emptyGraceMillis} (so a room created over HTTP survives until its peers arrive).
     * Returns how many inactive rooms were closed.
     */
    int sweepRooms(long inactiveMillis, String reason, long emptyGraceMillis) {
        long now = clock.millis();
        int closed = 0;
        for (Room room : api.rooms().all().values()) {
            if (!isSignaling(room) || room.state() == RoomState.CLOSED) continue;
            if (now - room.lastActivity() > inactiveMillis) {
                closed++;
                metrics.roomClosed(reason);
                api.rooms().close(null, room.id(), reason);
            } else if (room.memberCount() == 0 && now - room.emptySince() >= emptyGraceMillis) {
                api.presence().members(room.id()).thenAccept(m -> {
                    if (m.isEmpty() && room.memberCount() == 0) {
                        metrics.roomClosed("empty");
                        api.rooms().close(null, room.id(), "empty");
                    }
                });
            }
        }
        return closed;
    }
}
