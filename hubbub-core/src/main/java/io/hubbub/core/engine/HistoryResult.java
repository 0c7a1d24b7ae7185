package io.hubbub.core.engine;

import java.util.List;

/**
 * Result of a history read.
 *
 * @param publications the publications selected by the query
 * @param position     the channel's current top: offset of the latest publication and the epoch
 * @param earliest     offset of the oldest publication still kept (top + 1 when history is empty)
 */
public record HistoryResult(List<Publication> publications, StreamPosition position, long earliest) {

    /**
     * True if everything after {@code since} is still available in this epoch, so a client that saw
     * {@code since} can recover without a gap.
     */
    public boolean canRecoverFrom(StreamPosition since) {
        return since != null && since.epoch() != null && since.epoch().equals(position.epoch())
                && since.offset() <= position.offset() && since.offset() + 1 >= earliest;
    }
}
