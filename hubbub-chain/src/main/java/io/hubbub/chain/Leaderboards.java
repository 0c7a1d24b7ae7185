package io.hubbub.chain;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.chain.rank.RankingRules;
import io.hubbub.core.api.HubbubApi;
import io.hubbub.core.protocol.Json;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Room leaderboards over {@link ChainStore}'s records, and {@code rankings:update} pushes: a changed
 * room is marked and flushed at most once per batch interval (the top of its current period), so a
 * burst of payments costs one push per interval. The set of marked rooms is bounded by the rooms that
 * have payment rules.
 */
public final class Leaderboards {
    private static final Logger log = LoggerFactory.getLogger(Leaderboards.class);
    static final int PUSH_TOP = 10;

    private final ChainStore store;
    private final HubbubApi api;
    private final Clock clock;
    private final Executor blocking;
    private final Set<String> dirty = ConcurrentHashMap.newKeySet();

    public Leaderboards(ChainStore store, HubbubApi api, Clock clock, Executor blocking, ScheduledExecutorService timer, Duration batch) {
        this.store = store;
        this.api = api;
        this.clock = clock;
        this.blocking = blocking;
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

    private void flush() {
        for (String room : List.copyOf(dirty)) {
            dirty.remove(room);
            try {
                ChainStore.RoomRule rule = store.rule(room).orElse(null);
                if (rule == null) continue;
                String period = period(rule);
                ObjectNode p = Json.object().put("room", room).put("period", period).put("total", store.boardSize(room, period));
                p.set("top", entries(store.board(room, period, 0, PUSH_TOP), 0));
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
        String p = period == null ? period(rule) : period;
        ObjectNode out = Json.object().put("room", rule.room()).put("period", p).put("total", store.boardSize(rule.room(), p))
                .put("reset", rule.reset());
        var next = RankingRules.nextReset(RankingRules.Reset.parse(rule.reset()), clock.instant());
        if (next != null && period == null) out.put("nextReset", next.toString());
        out.set("top", entries(store.board(rule.room(), p, 0, limit), 0));
        if (me != null) {
            var rank = store.rank(rule.room(), p, me);
            if (rank.isPresent()) {
                long r0 = rank.get();
                List<RankingRules.Entry> mine = store.board(rule.room(), p, (int) r0, 1);
                out.putObject("me").put("rank", r0 + 1).put("score", mine.isEmpty() ? 0 : mine.getFirst().score());
                if (around > 0) {
                    long from = Math.max(0, r0 - around);
                    out.set("around", entries(store.board(rule.room(), p, (int) from, (int) (r0 - from) + around + 1), from));
                }
            } else {
                out.putNull("me");
            }
        }
        return out;
    }
}
