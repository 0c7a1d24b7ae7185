package io.hubbub.chain.rank;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.IsoFields;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The leaderboard rules, without a database or a network: how a submitted value changes a record
 * (operators), which period a moment belongs to (reset schedules, in UTC like Nakama's cron resets),
 * and the one total order of a board.
 *
 * <p>Order: higher score first; equal scores by who reached that score first ({@code reachedAt}
 * ascending); then by user id descending (the engine's sorted-set order for equal members' prefixes:
 * see {@code BoardIndex}). The SQL of {@code ChainStore} uses the same order.
 */
public final class RankingRules {
    private RankingRules() {}

    /** How a new value combines with a user's record. */
    public enum Operator {
        /** Adds the value to the record. */
        INCREMENT,
        /** Keeps the larger of the record and the value. */
        BEST,
        /** Replaces the record. */
        SET;

        public static Operator parse(String s) {
            return valueOf(s.toUpperCase(Locale.ROOT));
        }
    }

    /** When a board starts over (the old period's records stay as history). */
    public enum Reset {
        NEVER, DAILY, WEEKLY, MONTHLY;

        public static Reset parse(String s) {
            return valueOf(s.toUpperCase(Locale.ROOT));
        }
    }

    /** One record of a board. */
    public record Entry(String userId, long score, long reachedAt) {}

    /** The outcome of applying a value: the new score, whether it changed, and when it was reached. */
    public record Applied(long score, boolean changed, long reachedAt) {}

    public static final Comparator<Entry> ORDER = Comparator.comparingLong(Entry::score).reversed()
            .thenComparingLong(Entry::reachedAt).thenComparing(Entry::userId, Comparator.reverseOrder());

    /**
     * Applies {@code value} at {@code now} to a record ({@code current} null: none yet). An unchanged
     * score keeps its old {@code reachedAt} (so a tie is not lost by re-submitting the same best).
     */
    public static Applied apply(Operator op, Entry current, long value, long now) {
        if (current == null) return new Applied(value, true, now);
        long next = switch (op) {
            case INCREMENT -> Math.addExact(current.score(), value);
            case BEST -> Math.max(current.score(), value);
            case SET -> value;
        };
        return next == current.score() ? new Applied(next, false, current.reachedAt()) : new Applied(next, true, now);
    }

    /** The period key of {@code at}: {@code all}, {@code 2026-12-05}, {@code 2026-W49} (ISO week, Monday start) or {@code 2026-12}. */
    public static String period(Reset reset, Instant at) {
        LocalDate d = at.atZone(ZoneOffset.UTC).toLocalDate();
        return switch (reset) {
            case NEVER -> "all";
            case DAILY -> d.toString();
            case WEEKLY -> String.format(Locale.ROOT, "%d-W%02d", d.get(IsoFields.WEEK_BASED_YEAR), d.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR));
            case MONTHLY -> String.format(Locale.ROOT, "%d-%02d", d.getYear(), d.getMonthValue());
        };
    }

    /** When the period containing {@code at} ends (the next reset), or null for {@link Reset#NEVER}. */
    public static Instant nextReset(Reset reset, Instant at) {
        LocalDate d = at.atZone(ZoneOffset.UTC).toLocalDate();
        LocalDate next = switch (reset) {
            case NEVER -> null;
            case DAILY -> d.plusDays(1);
            case WEEKLY -> d.with(java.time.temporal.TemporalAdjusters.next(DayOfWeek.MONDAY));
            case MONTHLY -> d.withDayOfMonth(1).plusMonths(1);
        };
        return next == null ? null : next.atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    /** Entries sorted by {@link #ORDER}, for in-memory boards and tests. */
    public static List<Entry> sorted(List<Entry> entries) {
        return entries.stream().sorted(ORDER).toList();
    }
}
