package io.hubbub.chain;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.chain.rank.BoardIndex;
import io.hubbub.chain.rank.RankingRules;
import io.hubbub.core.api.HubbubApi;
import io.hubbub.core.protocol.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Room leaderboards. The current period of each board is ranked live in the engine ({@link BoardIndex},
 * Redis sorted sets on the Redis engine): top N, a user's rank, around me and {@code rankings:update}
 * read it. {@link ChainStore}'s records are the durable truth: a payment writes its record and the
 * engine inside one database transaction (a failed engine write rolls the payment back), past periods
 * (history) are read from the database, and the engine's boards are rebuilt from the database on start
 * (where they differ in size) and when this node becomes the listener leader (always). Until the first
 * rebuild is done, reads use the database.
 *
 * <p>{@code rankings:update}: a changed room is marked and flushed at most once per batch interval (the
 * top of its current period), so a burst of payments costs one push per interval. The marked rooms
 * and the period map are bounded by the rooms that have payment rules.
 */
public final class Leaderboards {
    private static final Logger log = LoggerFactory.getLogger(Leaderboards.class);
    static final int PUSH_TOP = 10;
    /** Most records one rebuild loads into the engine per board. */
    static final int MAX_BOARD = 100_000;
    /** Records reached this close before a rebuild's snapshot are written again after it (payments racing the rebuild, clock skew). */
    static final long REBUILD_OVERLAP_MS = 60_000;

    private final ChainStore store;
    private final BoardIndex index;
    private final HubbubApi api;
    private final Clock clock;
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();
    private final Map<String, String> livePeriod = new ConcurrentHashMap<>(); // room -> the period its engine board holds
    private volatile boolean indexed;

    public Leaderboards(ChainStore store, BoardIndex index, HubbubApi api, Clock clock, Executor blocking, ScheduledExecutorService timer,
                        Duration batch) {
        this.store = store;
        this.index = index;
        this.api = api;
        this.clock = clock;
        long ms = batch.toMillis();
        timer.scheduleWithFixedDelay(() -> {
            if (!dirty.isEmpty()) blocking.execute(this::flush);
        }, ms, ms, TimeUnit.MILLISECONDS);
    }

    /** The current period of a room's board. */
    public String period(ChainStore.RoomRule rule) {
        return RankingRules.period(RankingRules.Reset.parse(rule.reset()), clock.instant());
    }

    public void changed(String room) {
        dirty.add(room);
    }

    /**
     * The engine part of a payment, called inside its database transaction: moves the user's record.
     * A board whose period ended is dropped from the engine (its history stays in the database).
     */
    public void scored(String room, String period, RankingRules.Entry before, RankingRules.Entry after) {
        String old = livePeriod.put(room, period);
        if (old != null && !old.equals(period)) index.delete(room, old);
        index.put(room, period, before, after);
    }

    /**
     * Rebuilds the engine boards of every room's current period from the database: all of them when
     * {@code force}, else those whose size differs. Payments racing a rebuild are written again after it.
     */
    public void rebuildAll(boolean force) {
        for (ChainStore.RoomRule rule : store.rules()) {
            String period = period(rule);
            try {
                if (!force && index.size(rule.room(), period) == store.boardSize(rule.room(), period)) continue;
                long t0 = clock.millis();
                List<RankingRules.Entry> all = store.boardEntries(rule.room(), period, MAX_BOARD);
                index.replaceAll(rule.room(), period, all);
                Map<String, RankingRules.Entry> loaded = new HashMap<>();
                for (RankingRules.Entry e : all) loaded.put(e.userId(), e);
                for (RankingRules.Entry e : store.boardChangedSince(rule.room(), period, t0 - REBUILD_OVERLAP_MS))
                    index.put(rule.room(), period, loaded.get(e.userId()), e);
                livePeriod.put(rule.room(), period);
            } catch (RuntimeException e) {
                log.warn("rebuilding the ranking of {} failed (reads use the database meanwhile): {}", rule.room(), e.toString());
                return;
            }
        }
        indexed = true;
    }

    /** Where a board is read: the engine for the current period once rebuilt, else the database. */
    private interface Board {
        long total();

        List<RankingRules.Entry> range(long from, int count);

        Optional<Long> rank(String user);
    }

    private Board board(String room, String period, boolean current) {
        if (current && indexed) return new Board() {
            public long total() { return index.size(room, period); }
            public List<RankingRules.Entry> range(long from, int count) { return index.range(room, period, from, count); }
            public Optional<Long> rank(String user) {
                Optional<RankingRules.Entry> me = store.entry(room, period, user); // the member encodes when the score was reached
                return me.isEmpty() ? Optional.empty() : index.rank(room, period, me.get()).or(() -> store.rank(room, period, user));
            }
        };
        return new Board() {
            public long total() { return store.boardSize(room, period); }
            public List<RankingRules.Entry> range(long from, int count) { return store.board(room, period, (int) from, count); }
            public Optional<Long> rank(String user) { return store.rank(room, period, user); }
        };
    }

    /**
     * A user's 1-based rank on a room's board of {@code period}, given the record the user has there (a
     * payment's reply knows it from its own transaction): ranked by the engine without reading the record
     * back from the database, which was one of a submit's database round trips; the database ranks it when
     * the engine does not have that member (a period that ended, a rebuild not done yet, a newer payment of
     * the same user replaced it).
     */
    public long rankOf(String room, String period, RankingRules.Entry mine) {
        if (indexed) {
            Optional<Long> r = index.rank(room, period, mine);
            if (r.isPresent()) return r.get() + 1;
        }
        return store.rank(room, period, mine.userId()).orElse(-1L) + 1;
    }


    private void flush() {
        for (String room : List.copyOf(dirty)) {
            dirty.remove(room);
            try {
                ChainStore.RoomRule rule = store.rule(room).orElse(null);
                if (rule == null) continue;
                String period = period(rule);
                Board b = board(room, period, true);
                ObjectNode p = Json.object().put("room", room).put("period", period).put("total", b.total());
                p.set("top", entries(b.range(0, PUSH_TOP), 0));
                api.messaging().roomEvent(room, "rankings:update", p);
            } catch (RuntimeException e) {
                log.warn("rankings:update for {} failed: {}", room, e.toString());
            }
        }
    }

    static ArrayNode entries(List<RankingRules.Entry> list, long firstRank) {
        ArrayNode a = Json.MAPPER.createArrayNode();
        long r = firstRank;
        for (RankingRules.Entry e : list) a.addObject().put("rank", ++r).put("user", e.userId()).put("score", e.score());
        return a;
    }

    /**
     * A board view: {@code {room, period, total, top:[{rank, user, score}], me?:{rank, score}, around?:[…]}}.
     * Ranks are 1-based. {@code period} null: the current one.
     */
    public ObjectNode view(ChainStore.RoomRule rule, String period, int limit, String me, int around) {
        String current = period(rule);
        String p = period == null ? current : period;
        Board b = board(rule.room(), p, p.equals(current));
        ObjectNode out = Json.object().put("room", rule.room()).put("period", p).put("total", b.total()).put("reset", rule.reset());
        var next = RankingRules.nextReset(RankingRules.Reset.parse(rule.reset()), clock.instant());
        if (next != null && period == null) out.put("nextReset", next.toString());
        out.set("top", entries(b.range(0, limit), 0));
        if (me != null) {
            Optional<Long> rank = b.rank(me);
            if (rank.isPresent()) {
                long r0 = rank.get();
                List<RankingRules.Entry> mine = b.range(r0, 1);
                out.putObject("me").put("rank", r0 + 1).put("score", mine.isEmpty() ? 0 : mine.getFirst().score());
                if (around > 0) {
                    long from = Math.max(0, r0 - around);
                    out.set("around", entries(b.range(from, (int) (r0 - from) + around + 1), from));
                }
            } else {
                out.putNull("me");
            }
        }
        return out;
    }
}
