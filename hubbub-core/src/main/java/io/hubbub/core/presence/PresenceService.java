package io.hubbub.core.presence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.engine.Broker;
import io.hubbub.core.engine.Channels;
import io.hubbub.core.engine.ClientInfo;
import io.hubbub.core.engine.PresenceChange;
import io.hubbub.core.engine.PresenceManager;
import io.hubbub.core.engine.Publication;
import io.hubbub.core.engine.PublishOptions;
import io.hubbub.core.hub.Hub;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.room.Room;
import io.hubbub.core.room.RoomJson;
import io.hubbub.core.session.Session;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Presence on top of the engine's {@link PresenceManager}: who is in a room (with join, leave and
 * update events), whether a user is online (and its watchers' notifications), and typing signals
 * that expire by themselves.
 *
 * <p>Room presence events go through the broker on the room channel, so members on every node get
 * them; they are not recorded in history. Typing and other ephemeral signals are droppable.
 */
public final class PresenceService {
    private final PresenceManager presence;
    private final Broker broker;
    private final Hub hub;
    private final ScheduledExecutorService scheduler;
    private final Duration typingTimeout;
    /** (room, user) → pending automatic typing:stop. Bounded by members × rooms; entries removed on stop/expiry. */
    private final Map<String, ScheduledFuture<?>> typing = new ConcurrentHashMap<>();

    public PresenceService(PresenceManager presence, Broker broker, Hub hub, ScheduledExecutorService scheduler,
                           Duration typingTimeout) {
        this.presence = presence;
        this.broker = broker;
        this.hub = hub;
        this.scheduler = scheduler;
        this.typingTimeout = typingTimeout;
    }

    public static ClientInfo info(Session s, long joinedAt) {
        return new ClientInfo(s.id(), s.userId(), s.principal().name(), joinedAt, s.status(), s.custom());
    }

    /** The documented Member shape. */
    public static ObjectNode member(ClientInfo c) {
        ObjectNode m = RoomJson.user(c.userId(), c.name());
        m.put("status", c.status());
        m.put("joinedAt", c.joinedAt());
        m.set("custom", c.custom());
        return m;
    }

    // ---- rooms ----

    public CompletableFuture<PresenceChange> enterRoom(Room room, Session s, long joinedAt) {
        return presence.add(Channels.room(room.id()), info(s, joinedAt));
    }

    /** Announces a join to the other members (not to the joining connection). */
    public CompletableFuture<?> announceJoin(Room room, Session s, long joinedAt) {
        ObjectNode p = Json.object().put("room", room.id());
        p.set("user", member(info(s, joinedAt)));
        return broker.publish(Channels.room(room.id()), Publication.of("presence:join", p).excluding(s.id()), PublishOptions.NO_HISTORY);
    }

    public CompletableFuture<PresenceChange> leaveRoom(Room room, Session s) {
        stopTyping(room.id(), s, false);
        return presence.remove(Channels.room(room.id()), s.id(), s.userId());
    }

    public CompletableFuture<?> announceLeave(String roomId, String userId, String name) {
        ObjectNode p = Json.object().put("room", roomId);
        p.set("user", RoomJson.user(userId, name));
        return broker.publish(Channels.room(roomId), Publication.of("presence:leave", p), PublishOptions.NO_HISTORY);
    }

    /** Members of a room, one per user (earliest join, latest status), in join order. */
    public CompletableFuture<ArrayNode> members(String roomId) {
        return presence.presence(Channels.room(roomId)).thenApply(PresenceService::dedupe);
    }

    static ArrayNode dedupe(List<ClientInfo> all) {
        Map<String, ClientInfo> byUser = new LinkedHashMap<>();
        List<ClientInfo> sorted = new ArrayList<>(all);
        sorted.sort((a, b) -> Long.compare(a.joinedAt(), b.joinedAt()));
        for (ClientInfo c : sorted) byUser.putIfAbsent(c.userId(), c);
        ArrayNode arr = Json.NODES.arrayNode();
        byUser.values().forEach(c -> arr.add(member(c)));
        return arr;
    }

    /** Sets a connection's status in every room it is in and tells their members. On the session's executor. */
    public CompletableFuture<Void> setStatus(Session s, String status, JsonNode custom, Map<String, Room> rooms) {
        s.setStatus(status, custom);
        List<CompletableFuture<?>> all = new ArrayList<>();
        for (Map.Entry<String, Long> e : s.rooms().entrySet()) {
            Room room = rooms.get(e.getKey());
            if (room == null || !room.settings().presence()) continue;
            ClientInfo ci = info(s, e.getValue());
            String ch = Channels.room(room.id());
            ObjectNode p = Json.object().put("room", room.id());
            p.set("user", member(ci));
            all.add(presence.update(ch, ci).thenCompose(v -> broker.publish(ch, Publication.of("presence:update", p), PublishOptions.NO_HISTORY)));
        }
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    // ---- typing and other ephemeral signals ----

    public CompletableFuture<?> startTyping(String roomId, Session s) {
        String key = roomId + '\u0000' + s.userId();
        ScheduledFuture<?> timer = scheduler.schedule(() -> {
            if (typing.remove(key) != null) publishTyping(roomId, s, "typing:stop");
        }, typingTimeout.toMillis(), TimeUnit.MILLISECONDS);
        ScheduledFuture<?> old = typing.put(key, timer);
        if (old != null) old.cancel(false);
        return publishTyping(roomId, s, "typing:start");
    }

    /** Cancels the timer; announces typing:stop if the user was typing (or if {@code always}). */
    public CompletableFuture<?> stopTyping(String roomId, Session s, boolean always) {
        ScheduledFuture<?> old = typing.remove(roomId + '\u0000' + s.userId());
        if (old != null) old.cancel(false);
        return old != null || always ? publishTyping(roomId, s, "typing:stop") : CompletableFuture.completedFuture(null);
    }

    private CompletableFuture<?> publishTyping(String roomId, Session s, String event) {
        ObjectNode p = Json.object().put("room", roomId);
        p.set("user", RoomJson.user(s.userId(), s.principal().name()));
        return broker.publish(Channels.room(roomId), Publication.ephemeral(event, p, s.id()), PublishOptions.NO_HISTORY);
    }

    public CompletableFuture<?> ephemeral(String roomId, Session s, String event, JsonNode data) {
        ObjectNode p = Json.object().put("room", roomId).put("event", event);
        p.set("from", RoomJson.user(s.userId(), s.principal().name()));
        p.set("data", data);
        return broker.publish(Channels.room(roomId), Publication.ephemeral("room:ephemeral", p, s.id()), PublishOptions.NO_HISTORY);
    }

    public int typingCount() {
        return typing.size();
    }

    // ---- users online / offline ----

    /**
     * Marks a connection online; the user's watchers hear about it if it is the user's first connection.
     * {@code userChannel} is {@code Channels.user(s.userId())}, passed in so that the caller's instance
     * (also the hub's key) is the one a held connection keeps.
     */
    public CompletableFuture<Void> online(Session s, String userChannel) {
        return presence.add(userChannel, info(s, s.connectedAt()))
                .thenCompose(ch -> ch.userChanged() ? notifyWatchers(s.userId(), true, null) : CompletableFuture.completedFuture(null));
    }

    public CompletableFuture<Void> offline(Session s) {
        long now = System.currentTimeMillis();
        return presence.remove(Channels.user(s.userId()), s.id(), s.userId())
                .thenCompose(ch -> ch.userChanged()
                        ? presence.setLastSeen(s.userId(), now).thenCompose(v -> notifyWatchers(s.userId(), false, now))
                        : CompletableFuture.completedFuture(null));
    }

    private CompletableFuture<Void> notifyWatchers(String userId, boolean online, Long lastSeen) {
        ObjectNode p = Json.object().put("user", userId).put("online", online);
        if (lastSeen == null) p.putNull("lastSeen");
        else p.put("lastSeen", lastSeen);
        return broker.publish(Channels.watch(userId), Publication.of("presence:user", p), PublishOptions.NO_HISTORY)
                .thenApply(pos -> null);
    }

    /** {@code {"u1": {"online": true, "lastSeen": null}, ...}} */
    public CompletableFuture<ObjectNode> query(Collection<String> userIds) {
        Map<String, CompletableFuture<Boolean>> online = new LinkedHashMap<>();
        for (String u : userIds) online.put(u, presence.presence(Channels.user(u)).thenApply(l -> !l.isEmpty()));
        CompletableFuture<Map<String, Long>> seen = presence.lastSeen(userIds);
        return CompletableFuture.allOf(online.values().toArray(CompletableFuture[]::new)).thenCombine(seen, (v, ls) -> {
            ObjectNode out = Json.object();
            online.forEach((u, f) -> {
                ObjectNode o = out.putObject(u).put("online", f.join());
                Long t = ls.get(u);
                if (t == null || f.join()) o.putNull("lastSeen");
                else o.put("lastSeen", t);
            });
            return out;
        });
    }

    public CompletableFuture<Void> watch(Session s, String userId) {
        s.watch(userId);
        return hub.subscribe(Channels.watch(userId), s);
    }

    public void unwatch(Session s, String userId) {
        if (s.unwatch(userId)) hub.unsubscribe(Channels.watch(userId), s);
    }
}
