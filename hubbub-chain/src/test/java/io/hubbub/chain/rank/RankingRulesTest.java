package io.hubbub.chain.rank;

import io.hubbub.chain.rank.RankingRules.Entry;
import io.hubbub.chain.rank.RankingRules.Operator;
import io.hubbub.chain.rank.RankingRules.Reset;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The leaderboard rules without a database: operators, deterministic ties, reset periods on a given clock. */
class RankingRulesTest {

    @Test
    void operators() {
        Entry cur = new Entry("u", 50, 1000);
        assertThat(RankingRules.apply(Operator.INCREMENT, null, 7, 5)).isEqualTo(new RankingRules.Applied(7, true, 5));
        assertThat(RankingRules.apply(Operator.INCREMENT, cur, 7, 2000)).isEqualTo(new RankingRules.Applied(57, true, 2000));
        assertThat(RankingRules.apply(Operator.BEST, cur, 40, 2000)).as("worse: unchanged, keeps when it was reached")
                .isEqualTo(new RankingRules.Applied(50, false, 1000));
        assertThat(RankingRules.apply(Operator.BEST, cur, 50, 2000)).as("equal: the earlier time stands")
                .isEqualTo(new RankingRules.Applied(50, false, 1000));
        assertThat(RankingRules.apply(Operator.BEST, cur, 60, 2000)).isEqualTo(new RankingRules.Applied(60, true, 2000));
        assertThat(RankingRules.apply(Operator.SET, cur, 10, 2000)).isEqualTo(new RankingRules.Applied(10, true, 2000));
        assertThat(Operator.parse("best")).isEqualTo(Operator.BEST);
    }

    @Test
    void tiesAreOrderedByWhoReachedTheScoreFirstThenByUserIdDescending() {
        List<Entry> sorted = RankingRules.sorted(List.of(new Entry("zed", 10, 5), new Entry("amy", 10, 5), new Entry("bob", 10, 3),
                new Entry("cat", 20, 9), new Entry("dan", 1, 0)));
        assertThat(sorted).extracting(Entry::userId).containsExactly("cat", "bob", "zed", "amy", "dan");
    }

    @Test
    void periodsFollowTheResetScheduleInUtc() {
        Instant sunday = Instant.parse("2026-12-06T23:59:59Z"), monday = Instant.parse("2026-12-07T00:00:00Z");
        assertThat(RankingRules.period(Reset.NEVER, sunday)).isEqualTo("all");
        assertThat(RankingRules.period(Reset.DAILY, sunday)).isEqualTo("2026-12-06");
        assertThat(RankingRules.period(Reset.DAILY, monday)).isEqualTo("2026-12-07");
        assertThat(RankingRules.period(Reset.WEEKLY, sunday)).isEqualTo("2026-W49");
        assertThat(RankingRules.period(Reset.WEEKLY, monday)).isEqualTo("2026-W50");
        assertThat(RankingRules.period(Reset.MONTHLY, Instant.parse("2026-12-31T23:00:00Z"))).isEqualTo("2026-12");
        assertThat(RankingRules.period(Reset.MONTHLY, Instant.parse("2027-01-01T00:00:00Z"))).isEqualTo("2027-01");
        assertThat(RankingRules.period(Reset.WEEKLY, Instant.parse("2027-01-01T12:00:00Z"))).as("ISO week-based year").isEqualTo("2026-W53");
        assertThat(RankingRules.nextReset(Reset.WEEKLY, sunday)).isEqualTo(monday);
        assertThat(RankingRules.nextReset(Reset.DAILY, monday)).isEqualTo(Instant.parse("2026-12-08T00:00:00Z"));
        assertThat(RankingRules.nextReset(Reset.MONTHLY, sunday)).isEqualTo(Instant.parse("2027-01-01T00:00:00Z"));
        assertThat(RankingRules.nextReset(Reset.NEVER, sunday)).isNull();
    }
}
