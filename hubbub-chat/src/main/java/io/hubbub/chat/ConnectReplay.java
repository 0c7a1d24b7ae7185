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
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
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
 * <p>Presence privacy: with it on, a batch whose users have friends reads those friendships once more
 * after the watches are in place (one query), so a block that raced the watches never leaves one
 * behind ({@link #hiddenSince}).
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
    /** How long a batch waits for its watches to be confirmed before it checks visibility again anyway. */
    static final int WATCH_WAIT_SECONDS = 5;

    /** Test seam: runs right after a batch read its users' friends (the window a block can race). */
    static volatile java.util.function.Consumer<Map<String, List<String>>> afterFriendsRead;

    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final Database db;
    private final Notifications notifications;
    private final HubbubApi api;
    private final Executor blocking;
    private final ScheduledExecutorService scheduler;
    private final int maxFriends;
    /** Presence privacy, or null when it is off (then nothing is checked again). */
    private final PresenceVisibility visibility;
    private final Counter batches;
    private final ConcurrentLinkedQueue<Session> queue = new ConcurrentLinkedQueue<>();
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicBoolean draining = new AtomicBoolean();

    ConnectReplay(Database db, Notifications notifications, HubbubApi api, Executor blocking, ScheduledExecutorService scheduler,
                  int maxFriends, PresenceVisibility visibility, Counter batches) {
        this.db = db;
        this.notifications = notifications;
        this.api = api;
        this.blocking = blocking;
        this.scheduler = scheduler;
        this.maxFriends = maxFriends;
        this.visibility = visibility;
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
            var hook = afterFriendsRead;
            if (hook != null) hook.accept(friends);
            Map<Session, CompletableFuture<Void>> subscribed = new HashMap<>();
            for (Session s : batch) {
                List<String> friendIds = friends.getOrDefault(s.userId(), List.of());
                if (!friendIds.isEmpty()) subscribed.put(s, subscribe(s, friendIds));
            }
            Map<String, Set<String>> hidden = subscribed.isEmpty() ? Map.of() : hiddenSince(friends, subscribed.values());
            subscribed.forEach((s, sub) -> watching.put(s, sub.thenCompose(v ->
                    announce(s, friends.get(s.userId()), hidden.getOrDefault(s.userId(), Set.of())))));
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
     * With presence privacy on: which of the friends read at the start of the batch each user may no
     * longer see, read again once every watch of the batch exists. A block (which ends the friendship) or
     * an unfriending that committed after the first read may have run its own unwatch before these
     * watches were added; from the moment this read starts, a later one runs its unwatch after them.
     * Waits (bounded) for the watches; blocking thread.
     */
    private Map<String, Set<String>> hiddenSince(Map<String, List<String>> friends, Collection<CompletableFuture<Void>> watches) {
        if (visibility == null) return Map.of();
        try {
            CompletableFuture.allOf(watches.toArray(CompletableFuture[]::new)).get(WATCH_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            log.debug("friends' watches not all confirmed: {}", e.toString());
        }
        try {
            return db.withHandle(h -> recheck(h, friends));
        } catch (RuntimeException e) {
            // fail closed: what cannot be checked again is not watched (the client can still subscribe itself)
            log.debug("friends' visibility not checked again: {}", e.toString());
            Map<String, Set<String>> all = new HashMap<>();
            friends.forEach((user, list) -> all.put(user, Set.copyOf(list)));
            return all;
        }
    }

    /** Of each user's friends as first read, those the user may no longer see (re-read now). */
    private Map<String, Set<String>> recheck(Handle h, Map<String, List<String>> friends) {
        Map<String, List<String>> now = friendsOf(h, new ArrayList<>(friends.keySet()));
        Map<String, Set<String>> hidden = new HashMap<>();
        friends.forEach((user, before) -> {
            List<String> lost = new ArrayList<>(before);
            lost.removeAll(now.getOrDefault(user, List.of()));
            // no longer friends: still visible through a shared chat, unless blocked (PresenceVisibility decides)
            if (!lost.isEmpty()) hidden.put(user, PresenceVisibility.refused(h, user, lost));
        });
        return hidden;
    }

    /** Subscribes the session to its friends' presence, on its executor; completes when all are subscribed. */
    private CompletableFuture<Void> subscribe(Session session, List<String> friendIds) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        session.executor().execute(() -> {
            List<CompletableFuture<Void>> watches = new ArrayList<>();
            if (!session.isClosed()) for (String f : friendIds) watches.add(api.presence().watch(session, f));
            CompletableFuture.allOf(watches.toArray(CompletableFuture[]::new)).whenComplete((v, e) -> done.complete(null));
        });
        return done;
    }

    /**
     * On the session's executor: drops the watches of {@code hidden}, then pushes a {@code presence:user}
     * for each friend still watched and online at that moment: a friend who came online between the
     * welcome and the watch would otherwise never be announced (the watch only reports changes). A block
     * processed before the push (its unwatch runs on the same executor) leaves that friend out.
     */
    private CompletableFuture<Void> announce(Session session, List<String> friendIds, Set<String> hidden) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        session.executor().execute(() -> {
            hidden.forEach(f -> api.presence().unwatch(session, f));
            List<String> shown = friendIds.stream().filter(f -> !hidden.contains(f)).toList();
            (session.isClosed() || shown.isEmpty() ? DONE : api.presence().query(shown).thenAcceptAsync(now ->
                    now.properties().forEach(e -> {
                        if (!e.getValue().path("online").asBoolean() || !session.watched().contains(e.getKey())) return;
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
        // the IN list's size varies with every batch: plain JDBC (GeneratedSql), not a Jdbi parse per size
        GeneratedSql.query(h, "SELECT user_id, friend_id FROM chat_friends WHERE user_id IN (" + GeneratedSql.marks(users.size(), "?")
                + ") ORDER BY user_id, friend_id", new ArrayList<>(users), rs -> {
            List<String> list = out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>());
            if (list.size() < maxFriends) list.add(rs.getString(2));
        });
        return out;
    }

    private static Set<String> withUnread(Handle h, List<String> users, long notOlderThan) {
        Set<String> out = new HashSet<>();
        List<Object> args = new ArrayList<>(users);
        args.add(notOlderThan);
        GeneratedSql.query(h, "SELECT DISTINCT user_id FROM chat_notifications WHERE user_id IN (" + GeneratedSql.marks(users.size(), "?")
                + ") AND read_at IS NULL AND created_at >= ?", args, rs -> out.add(rs.getString(1)));
        return out;
    }
}
