package io.hubbub.server.cluster;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.api.RoomListener;
import io.hubbub.core.cluster.Rendezvous;
import io.hubbub.core.engine.Channels;
import io.hubbub.core.engine.ClientInfo;
import io.hubbub.core.engine.Engine;
import io.hubbub.core.engine.NodeInfo;
import io.hubbub.core.engine.Publication;
import io.hubbub.core.engine.PublishOptions;
import io.hubbub.core.engine.SessionSnapshot;
import io.hubbub.core.node.HubbubNode;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.room.Room;
import io.hubbub.core.session.Session;
import io.hubbub.redis.PresenceExpiry;
import io.hubbub.redis.RedisEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * This node's part in a cluster (engine {@code redis}): it registers itself with a heartbeat, keeps its
 * members' presence alive, turns presence entries of dead nodes into {@code presence:leave} and
 * {@code presence:user} events, keeps every session's snapshot in the engine so any node can resume it
 * after this one dies, and routes rooms to nodes by rendezvous hashing (sticky rooms refuse joins on
 * other nodes with {@code moved}).
 *
 * <p>Timing, with {@code ttl = engine.nodeTtl}: heartbeat and presence refresh every ttl/3, live-node
 * list polled every min(1 s, ttl/3), session snapshots refreshed every resumeWindow/3 and saved at once
 * when a session joins or leaves a room (topic changes within {@link #DIRTY_CHECK}).
 *
 * <p>Threading: timers run on the server's ops scheduler and never block on Redis (futures only);
 * session state is read on the session's executor.
 */
public final class ClusterService implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ClusterService.class);
    static final Duration DIRTY_CHECK = Duration.ofSeconds(2);

    private final HubbubNode node;
    private final Engine engine;
    private final String nodeId;
    private volatile String publicUrl;
    private final String wsPath;
    private final Duration ttl;
    private final Duration resumeWindow;
    private final ScheduledExecutorService timers;
    private final long startedAt = System.currentTimeMillis();
    /** Session → signature of the rooms and topics last saved; entries removed when the session closes. */
    private final Map<Session, Integer> saved = new ConcurrentHashMap<>();
    /** Users watched by local sessions, collected on the sessions' executors between two presence refreshes. */
    private volatile Set<String> watched = ConcurrentHashMap.newKeySet();
    private volatile List<NodeInfo> live = List.of();
    private volatile boolean stopped;
    private final boolean clustered;

    /**
     * @param clustered false for a single node (memory engine): only the registry heartbeat and the
     *                  live-node list run, so routing answers with this node; no snapshots, presence refresh or sticky checks
     */
    public ClusterService(HubbubNode node, Engine engine, String wsPath, Duration ttl,
                          Duration resumeWindow, ScheduledExecutorService timers, boolean clustered) {
        this.clustered = clustered;
        this.node = node;
        this.engine = engine;
        this.nodeId = node.settings().nodeId();
        this.wsPath = wsPath;
        this.ttl = ttl;
        this.resumeWindow = resumeWindow;
        this.timers = timers;
    }

    /** Hooks into the node and starts the timers. Call once, after the transport is bound (the public URL is known). */
    public void start(String publicUrl) {
        this.publicUrl = publicUrl;
        long third = Math.max(100, ttl.toMillis() / 3);
        if (!clustered) {
            heartbeat();
            refreshLive();
            timers.scheduleAtFixedRate(this::heartbeat, third, third, TimeUnit.MILLISECONDS);
            timers.scheduleAtFixedRate(this::pollLive, third, third, TimeUnit.MILLISECONDS);
            return;
        }
        if (engine instanceof RedisEngine redis) redis.presence().onExpiry(this::onExpiry);
        node.addRoomListener(new RoomListener() {
            @Override
            public void onJoined(Room room, Session session) {
                saveSnapshot(session);
            }

            @Override
            public void onLeft(Room room, Session session) {
                saveSnapshot(session);
            }
        });
        node.onDisconnect(saved::remove);
        node.onJoin((session, room) -> {
            if (!room.settings().sticky()) return CompletableFuture.completedFuture(null);
            NodeInfo owner = owner(room.id());
            if (owner == null || owner.id().equals(nodeId)) return CompletableFuture.completedFuture(null);
            ObjectNode details = Json.object().put("url", wsUrl(owner.url())).put("node", owner.id());
            return CompletableFuture.failedFuture(new HubbubException(ErrorCode.MOVED,
                    "room '" + room.id() + "' is served by node " + owner.id(), details));
        });
        heartbeat();
        timers.scheduleAtFixedRate(this::heartbeat, third, third, TimeUnit.MILLISECONDS);
        timers.scheduleAtFixedRate(this::refreshPresence, third, third, TimeUnit.MILLISECONDS);
        long poll = Math.min(1000, third);
        timers.scheduleAtFixedRate(this::pollLive, poll, poll, TimeUnit.MILLISECONDS);
        long snap = Math.max(1000, resumeWindow.toMillis() / 3);
        timers.scheduleAtFixedRate(() -> saveAll(true), snap, snap, TimeUnit.MILLISECONDS);
        timers.scheduleAtFixedRate(() -> saveAll(false), DIRTY_CHECK.toMillis(), DIRTY_CHECK.toMillis(), TimeUnit.MILLISECONDS);
    }

    public String nodeId() {
        return nodeId;
    }

    /** Live nodes as last read from the registry (this node included while it is registered). */
    public List<NodeInfo> liveNodes() {
        return live;
    }

    /** Re-reads the live nodes now. */
    public CompletableFuture<List<NodeInfo>> refreshLive() {
        return engine.nodes().live().thenApply(l -> {
            live = List.copyOf(l);
            return live;
        });
    }

    /** The node that serves a room: rendezvous hashing over the live nodes (this node if none is known). */
    public NodeInfo owner(String roomId) {
        List<NodeInfo> nodes = live;
        if (nodes.isEmpty()) return self();
        Optional<String> id = Rendezvous.owner(roomId, nodes.stream().map(NodeInfo::id).toList());
        return nodes.stream().filter(n -> n.id().equals(id.orElse(null))).findFirst().orElse(self());
    }

    /** Another live node for clients of a draining node: the least loaded one; null if there is none. */
    public NodeInfo drainTarget() {
        return live.stream().filter(n -> !n.id().equals(nodeId))
                .min(Comparator.comparingInt(NodeInfo::connections).thenComparing(NodeInfo::id)).orElse(null);
    }

    public NodeInfo self() {
        long now = System.currentTimeMillis();
        return new NodeInfo(nodeId, publicUrl, node.connectionCount(), startedAt, now);
    }

    /**
     * A node's sid tag for Engine.IO cluster routing: 48 bits of SHA-256 of its id, URL-safe (8 chars).
     * Every node derives the same tag from the same id, so a tag resolves through the live-node list.
     */
    public static String sidTag(String nodeId) {
        try {
            byte[] h = java.security.MessageDigest.getInstance("SHA-256").digest(nodeId.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(h, 6));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The public base URL of the live node (other than this one) whose {@link #sidTag} this is; null if none. */
    public String urlOfSidTag(String tag) {
        for (NodeInfo n : live) {
            if (!n.id().equals(nodeId) && sidTag(n.id()).equals(tag)) return n.url();
        }
        return null;
    }

    /** The WebSocket URL of a node's public base URL. */
    public String wsUrl(String baseUrl) {
        return baseUrl.replaceFirst("^http", "ws") + wsPath;
    }

    // ---- registry ----

    private void heartbeat() {
        if (stopped) return;
        engine.nodes().register(self(), ttl).whenComplete((v, e) -> {
            if (e != null) log.debug("heartbeat failed: {}", e.toString());
        });
    }

    private void pollLive() {
        if (stopped) return;
        refreshLive().exceptionally(e -> {
            log.debug("reading live nodes failed: {}", e.toString());
            return null;
        });
    }

    /** Leaves the registry first on shutdown, so routing stops sending rooms here before clients move. */
    public void deregister() {
        stopped = true;
        try {
            engine.nodes().deregister(nodeId).get(2, TimeUnit.SECONDS);
            live = live.stream().filter(n -> !n.id().equals(nodeId)).toList();
            refreshLive().get(2, TimeUnit.SECONDS);
        } catch (Exception e) {
            log.warn("could not deregister node {}: {}", nodeId, e.toString());
        }
    }

    // ---- presence ----

    /** Extends the presence entries of this node's connections (rooms and users) so they outlive no dead node. */
    private void refreshPresence() {
        if (stopped) return;
        try {
            for (Room room : node.rooms().all().values()) {
                if (!room.settings().presence()) continue;
                String ch = Channels.room(room.id());
                Session[] local = node.hub().sessions(ch);
                if (local.length > 0) engine.presence().refresh(ch, infos(local));
            }
            Map<String, List<ClientInfo>> byUser = new HashMap<>();
            for (Session s : node.sessions()) {
                if (s.isAuthenticated() && !s.isClosed()) byUser.computeIfAbsent(s.userId(), k -> new ArrayList<>()).add(info(s));
            }
            byUser.forEach((u, l) -> engine.presence().refresh(Channels.user(u), l));
            // Reading a watched user's presence sweeps its expired entries, so watchers here hear (presence:user)
            // when that user's node dies even though no node of ours refreshes that user's channel.
            Set<String> users = watched;
            watched = ConcurrentHashMap.newKeySet();
            for (String u : users) {
                if (!byUser.containsKey(u)) engine.presence().presence(Channels.user(u));
            }
            Set<String> next = watched;
            for (Session s : node.sessions()) {
                try {
                    s.executor().execute(() -> next.addAll(s.watched()));
                } catch (RuntimeException e) {
                    // closing
                }
            }
        } catch (RuntimeException e) {
            log.warn("presence refresh failed", e);
        }
    }

    private static List<ClientInfo> infos(Session[] sessions) {
        List<ClientInfo> out = new ArrayList<>(sessions.length);
        for (Session s : sessions) out.add(info(s));
        return out;
    }

    /** Only the session id matters to a refresh. */
    private static ClientInfo info(Session s) {
        return new ClientInfo(s.id(), s.userId(), "", 0, "active", null);
    }

    /** Entries of a dead node expired: tell the room (presence:leave) or the user's watchers (presence:user). */
    void onExpiry(PresenceExpiry e) {
        Map<String, String> names = new HashMap<>();
        for (ClientInfo c : e.removed()) names.putIfAbsent(c.userId(), c.name());
        if (Channels.isRoom(e.channel())) {
            String roomId = Channels.roomId(e.channel());
            for (String u : e.usersLeft()) {
                log.info("member {} of room {} expired (its node stopped)", u, roomId);
                node.presence().announceLeave(roomId, u, names.getOrDefault(u, u));
            }
        } else if (e.channel().startsWith("user:")) {
            long now = System.currentTimeMillis();
            for (String u : e.usersLeft()) {
                ObjectNode p = Json.object().put("user", u).put("online", false).put("lastSeen", now);
                engine.presence().setLastSeen(u, now).thenCompose(v ->
                        engine.broker().publish(Channels.watch(u), Publication.of("presence:user", p), PublishOptions.NO_HISTORY));
            }
        }
    }

    // ---- session snapshots ----

    /** Saves a session's rooms and topics (on its executor) so another node can resume it if this one dies. */
    public void saveSnapshot(Session s) {
        s.executor().execute(() -> save(s, true));
    }

    private void saveAll(boolean force) {
        if (stopped) return;
        for (Session s : node.sessions()) {
            try {
                s.executor().execute(() -> save(s, force));
            } catch (RuntimeException e) {
                // executor gone: the connection is closing
            }
        }
    }

    private void save(Session s, boolean force) {
        if (s.isClosed() || !s.isAuthenticated()) return; // the core saves the final snapshot on close
        int sig = s.rooms().keySet().hashCode() * 31 + s.topics().hashCode();
        Integer last = saved.put(s, sig);
        if (!force && last != null && last == sig) return;
        SessionSnapshot snap = new SessionSnapshot(s.id(), s.userId(), new LinkedHashSet<>(s.rooms().keySet()),
                new LinkedHashSet<>(s.topics()), System.currentTimeMillis());
        engine.sessions().save(snap, resumeWindow).whenComplete((v, e) -> {
            if (e != null) {
                saved.remove(s, sig);
                log.debug("saving session {} failed: {}", s.id(), e.toString());
            }
        });
    }

    /** The JSON shape of a node for {@code /api/cluster} and {@code /api/route}. */
    public ObjectNode view(NodeInfo n) {
        return Json.object().put("id", n.id()).put("url", n.url()).put("wsUrl", wsUrl(n.url()))
                .put("connections", n.connections()).put("startedAt", n.startedAt()).put("lastSeen", n.lastSeen())
                .put("self", n.id().equals(nodeId));
    }

    @Override
    public void close() {
        stopped = true;
    }

}
