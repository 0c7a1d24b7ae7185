package io.hubbub.chain.rank;

import io.hubbub.core.engine.SortedSets;
import io.hubbub.core.protocol.HubbubException;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The live ranking of a board (a room and period) in the engine's {@link SortedSets} (Redis:
 * {@code ZADD}/{@code ZREVRANK}/{@code ZREVRANGE} on {@code <prefix>:zset:chain:board:<room>:<period>},
 * like seed 000's {@code rankings:roomId}); the database's records stay the durable truth it is rebuilt
 * from. Blocking: call on virtual threads.
 *
 * <p>Ties: the engine orders equal scores by member, descending; the member is
 * {@code <Long.MAX_VALUE - reachedAt, 19 digits>:<userId>}, so equal scores go to who reached them
 * first, then by user id descending ({@link RankingRules#ORDER}). A user's member changes when the
 * score is reached anew: the old one is replaced in the same engine step. Scores are the engine's
 * doubles: exact up to 2^53 (about 9·10^15 base units).
 */
public final class BoardIndex {
    private static final long TIMEOUT_MS = 5000;
    private final SortedSets sets;

    public BoardIndex(SortedSets sets) {
        this.sets = sets;
    }

    static String set(String room, String period) {
        return "chain:board:" + room + ":" + period;
    }

    public static String member(String userId, long reachedAt) {
        return String.format("%019d", Long.MAX_VALUE - reachedAt) + ":" + userId;
    }

    static RankingRules.Entry entry(SortedSets.Member m) {
        String s = m.member();
        return new RankingRules.Entry(s.substring(20), (long) m.score(), Long.MAX_VALUE - Long.parseLong(s.substring(0, 19)));
    }

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw HubbubException.unavailable("interrupted");
        } catch (Exception e) {
            throw HubbubException.unavailable("the engine's rankings are unavailable: " + e);
        }
    }

    /** Moves a user's record from {@code before} (null: none) to {@code after} in one engine step. */
    public void put(String room, String period, RankingRules.Entry before, RankingRules.Entry after) {
        await(sets.put(set(room, period), member(after.userId(), after.reachedAt()), after.score(),
                before == null ? null : member(before.userId(), before.reachedAt())));
    }

    /** Records ranked {@code from..from+count} (0-based), in order. */
    public List<RankingRules.Entry> range(String room, String period, long from, int count) {
        List<RankingRules.Entry> out = new ArrayList<>();
        for (SortedSets.Member m : await(sets.range(set(room, period), from, count))) out.add(entry(m));
        return out;
    }

    /** The 0-based rank of a record (as the database has it), or empty when the engine does not have it (yet). */
    public Optional<Long> rank(String room, String period, RankingRules.Entry e) {
        OptionalLong r = await(sets.rank(set(room, period), member(e.userId(), e.reachedAt())));
        return r.isPresent() ? Optional.of(r.getAsLong()) : Optional.empty();
    }

    public long size(String room, String period) {
        return await(sets.size(set(room, period)));
    }

    /** Replaces the board's ranking by {@code all} records. */
    public void replaceAll(String room, String period, List<RankingRules.Entry> all) {
        Map<String, Double> m = new HashMap<>();
        for (RankingRules.Entry e : all) m.put(member(e.userId(), e.reachedAt()), (double) e.score());
        await(sets.replaceAll(set(room, period), m));
    }

    public void delete(String room, String period) {
        await(sets.delete(set(room, period)));
    }
}
