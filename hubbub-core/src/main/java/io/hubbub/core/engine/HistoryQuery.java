package io.hubbub.core.engine;

/**
 * A history read. With {@code since} non-null, returns publications with offset greater than
 * {@code since.offset()} in ascending order (at most {@code limit}), provided the epoch matches;
 * with {@code reverse} as well, those with offset less than {@code since.offset()}, newest first
 * (paging backwards). If the epoch does not match, no publications are returned.
 * With {@code since} null: the latest {@code limit} publications, ascending unless {@code reverse}.
 * {@code limit <= 0} means no limit (bounded by the history size anyway).
 */
public record HistoryQuery(StreamPosition since, int limit, boolean reverse) {
    public static HistoryQuery since(StreamPosition since) {
        return new HistoryQuery(since, 0, false);
    }

    public static HistoryQuery latest(int limit) {
        return new HistoryQuery(null, limit, false);
    }
}
