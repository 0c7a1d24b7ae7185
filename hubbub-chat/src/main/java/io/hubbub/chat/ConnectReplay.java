package io.hubbub.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.api.HubbubApi;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.protocol.Outbound;
import io.hubbub.core.session.Session;
import io.hubbub.store.Database;
import io.micrometer.core.instrument.Counter;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What chat does for a connection that just authenticated: it watches the presence of the user's
 * friends, then replays the user's newest unread notifications (after {@code session:welcome}, which the
 * connect path sends before any task queued here reaches the session's executor).
 *
 * <p>Connects are answered in batches, not one by one (the first waits {@link #LINGER_MILLIS} for others): one query finds the friends of up to
 * {@link #BATCH} connecting users and one finds which of them have unread notifications; only those
 * users' notifications are then read. A burst of connects (a fresh node, a reconnect storm) costs two
 * queries and one virtual thread per batch instead of two queries and a virtual thread per connection,
 * and a user with no friends and nothing unread costs nothing more. Batches form by themselves: the
 * connects arriving while one batch is queried make the next.
 *
 * <p>Bounded: at most {@link #MAX_QUEUED} connects wait; past that a connect is answered on its own
 * virtual thread (as before batching), so nothing is skipped. Never blocks the caller.
 */
final class ConnectReplay {
    private static final Logger log = LoggerFactory.getLogger(ConnectReplay.class);
    static final int BATCH = 256;
    /**
     * How long the first connect of a batch waits for others. At 1,000 connects/s it makes batches of
     * about fifty; the replay follows the welcome anyway, so no client waits for its session on it.
     * Measured at 1,000 connects/s (BENCHMARKS.md): 10 ms cost the replay's two queries per batch
     * 54–65 µs of CPU per connection, 50 ms 25–33 µs.
     */
    static final long LINGER_MILLIS = 50;
    static final int MAX_QUEUED = 20_000;

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final Database db;
    private final Notifications notifications;
    private final HubbubApi api;
    private final Executor blocking;
    private final ScheduledExecutorService scheduler;
    private final int maxFriends;
    private final Counter batches;
    private final ConcurrentLinkedQueue<Session> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();

    ConnectReplay(Database db, Notifications notifications, HubbubApi api, Executor blocking, ScheduledExecutorService scheduler,
                  int maxFriends, Counter batches) {
        this.db = db;
        this.notifications = notifications;
        this.api = api;
        this.blocking = blocking;
        this.scheduler = scheduler;
        this.maxFriends = maxFriends;
        this.batches = batches;
    }

    /** Queues the connection's replay; returns at once. */
    void submit(Session session) {
        if (queued.incrementAndGet() > MAX_QUEUED) {
            queued.decrementAndGet();
            blocking.execute(() -> answer(List.of(session)));
            return;
        }
        queue.add(session);
        if (draining.compareAndSet(false, true)) scheduler.schedule(() -> blocking.execute(this::drain), LINGER_MILLIS, TimeUnit.MILLISECONDS);
    }

    private void drain() {
        try {
            while (true) {
                List<Session> batch = new ArrayList<>();
                for (Session s; batch.size() < BATCH && (s = queue.poll()) != null; ) batch.add(s);
                if (batch.isEmpty()) break;
                queued.addAndGet(-batch.size());
                answer(batch);
            }
        } finally {
            draining.set(false);
        }
        // a connect queued between the last poll and the reset above must not wait for the next one
        if (!queue.isEmpty() && draining.compareAndSet(false, true)) blocking.execute(this::drain);
    }

    private void answer(List<Session> batch) {
        batches.increment();
        List<String> users = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Session s : batch) if (!s.isClosed() && seen.add(s.userId())) users.add(s.userId());
        if (users.isEmpty()) return;
        // friends first: the watches start after one query, before the notifications are looked at
        Map<Session, CompletableFuture<Void>> watching = new HashMap<>();
        try {
            Map<String, List<String>> friends = db.withHandle(h -> friendsOf(h, users));
            for (Session s : batch) {
                List<String> friendIds = friends.getOrDefault(s.userId(), List.of());
                if (!friendIds.isEmpty()) watching.put(s, watch(s, friendIds));
            }
            if (!notifications.replaysOnConnect()) return;
            Set<String> unread = db.withHandle(h -> withUnread(h, users, notifications.oldestVisible()));
            Map<String, List<ObjectNode>> pending = new HashMap<>();
            for (Session s : batch) {
                if (!unread.contains(s.userId())) continue;
                List<ObjectNode> notes;
                try {
                    notes = pending.computeIfAbsent(s.userId(), notifications::pendingOnConnect);
                } catch (RuntimeException e) {
                    log.debug("notifications on connect for {} failed: {}", s.userId(), e.toString());
                    continue;
                }
                // after the watches are subscribed, as a connection always saw them
                watching.getOrDefault(s, DONE).whenCompleteAsync((v, e) ->
                        notes.forEach(n -> s.send(new Outbound.Push("notification:new", n))), s.executor());
            }
        } catch (RuntimeException e) {
            log.debug("chat on connect for {} users failed: {}", users.size(), e.toString());
        }
    }

    /**
     * Subscribes the session to its friends' presence, on its executor, then pushes a {@code presence:user}
     * for each friend online at that moment: a friend who came online between the welcome and the watch
     * would otherwise never be announced (the watch only reports changes). Completes when all are subscribed.
     */
    private CompletableFuture<Void> watch(Session session, List<String> friendIds) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        session.executor().execute(() -> {
            List<CompletableFuture<Void>> watches = new ArrayList<>();
            if (!session.isClosed()) for (String f : friendIds) watches.add(api.presence().watch(session, f));
            CompletableFuture.allOf(watches.toArray(CompletableFuture[]::new))
                    .thenCompose(v -> session.isClosed() ? DONE : api.presence().query(friendIds).thenAcceptAsync(now ->
                            now.properties().forEach(e -> {
                                if (!e.getValue().path("online").asBoolean()) return;
                                session.send(new Outbound.Push("presence:user",
                                        Json.object().put("user", e.getKey()).put("online", true).putNull("lastSeen")));
                            }), session.executor()))
                    .whenComplete((v, e) -> done.complete(null));
        });
        return done;
    }

    /** The first {@code maxFriends} friends (by id) of each user that has any. */
    private Map<String, List<String>> friendsOf(Handle h, List<String> users) {
        Map<String, List<String>> out = new HashMap<>();
        var q = h.createQuery("SELECT user_id, friend_id FROM chat_friends WHERE user_id IN (" + placeholders(users.size())
                + ") ORDER BY user_id, friend_id");
        for (int i = 0; i < users.size(); i++) q.bind(i, users.get(i));
        q.map((rs, c) -> Map.entry(rs.getString(1), rs.getString(2))).forEach(e -> {
            List<String> list = out.computeIfAbsent(e.getKey(), k -> new ArrayList<>());
            if (list.size() < maxFriends) list.add(e.getValue());
        });
        return out;
    }

    private static Set<String> withUnread(Handle h, List<String> users, long notOlderThan) {
        var q = h.createQuery("SELECT DISTINCT user_id FROM chat_notifications WHERE user_id IN (" + placeholders(users.size())
                + ") AND read_at IS NULL AND created_at >= ?");
        for (int i = 0; i < users.size(); i++) q.bind(i, users.get(i));
        q.bind(users.size(), notOlderThan);
        return new HashSet<>(q.mapTo(String.class).list());
    }

    private static String placeholders(int n) {
        return String.join(",", Collections.nCopies(n, "?"));
    }
}
