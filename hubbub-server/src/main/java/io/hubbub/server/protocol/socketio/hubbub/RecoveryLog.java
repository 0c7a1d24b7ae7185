package io.hubbub.server.protocol.socketio.hubbub;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;

/**
 * What one Socket.IO session was sent, in send order, compressed into runs of consecutive offsets
 * per channel, so that the position of every channel can be computed as of any event the client
 * says it received last. Socket.IO clients remember only the offset of the last event; a client in
 * several rooms therefore needs this log to recover the other rooms exactly: for each channel, the
 * last position sent before (or at) that event. Positions come from recorded events and from the
 * positions in join/subscribe/resume replies (seeds).
 *
 * <p>Bounded: at most {@link #MAX_RUNS} runs (a single busy room is one run); older runs fold into a
 * base map. An event older than the log cannot be placed and recovery is then refused, never partial.
 * Confined to the session's event loop while it lives, handed over (immutable from then on) when it ends.
 */
final class RecoveryLog {
    static final int MAX_RUNS = 128;

    record Position(String epoch, long offset) {}

    private static final class Run {
        final String channel;
        final String epoch;
        final boolean event;
        final long from;
        long to;

        Run(String channel, String epoch, boolean event, long offset) {
            this.channel = channel;
            this.epoch = epoch;
            this.event = event;
            this.from = offset;
            this.to = offset;
        }
    }

    private final Map<String, Position> base = new HashMap<>();
    private final Map<String, Position> latest = new HashMap<>();
    private final ArrayDeque<Run> runs = new ArrayDeque<>();
    private boolean baseHasEvents;

    /** A recorded event was sent. */
    void event(RecoveryOffset o) {
        latest.put(o.channel(), new Position(o.epoch(), o.offset()));
        Run last = runs.peekLast();
        if (last != null && last.event && last.channel.equals(o.channel()) && last.epoch.equals(o.epoch()) && o.offset() == last.to + 1) {
            last.to = o.offset();
            return;
        }
        append(new Run(o.channel(), o.epoch(), true, o.offset()));
    }

    /**
     * A reply told the client its position in a channel (join, subscribe, resume). A seed never moves
     * a channel back behind an event already sent (a reply may trail live events of that channel).
     */
    void seed(String channel, String epoch, long offset) {
        if (epoch == null || epoch.isEmpty() || offset < 0) return;
        Position known = latest.get(channel);
        if (known != null && known.epoch().equals(epoch) && known.offset() >= offset) return;
        latest.put(channel, new Position(epoch, offset));
        Run last = runs.peekLast();
        if (last != null && !last.event && last.channel.equals(channel) && last.epoch.equals(epoch)) {
            last.to = offset;
            return;
        }
        append(new Run(channel, epoch, false, offset));
    }

    private void append(Run run) {
        runs.addLast(run);
        if (runs.size() > MAX_RUNS) {
            Run old = runs.pollFirst();
            base.put(old.channel, new Position(old.epoch, old.to));
            baseHasEvents |= old.event;
        }
    }

    /**
     * The position of every channel as of {@code last}, the last event the client received (null when
     * it received none): what it has, so that everything after can be replayed. Null when that cannot
     * be known (the event is not in the log).
     */
    Map<String, Position> positionsAt(RecoveryOffset last) {
        Map<String, Position> v = new HashMap<>(base);
        if (last == null) {
            if (baseHasEvents) return null;
            for (Run r : runs) {
                if (r.event) break;
                v.put(r.channel, new Position(r.epoch, r.to));
            }
            return v;
        }
        for (Run r : runs) {
            if (r.event && r.channel.equals(last.channel()) && r.epoch.equals(last.epoch())
                    && r.from <= last.offset() && last.offset() <= r.to) {
                v.put(r.channel, new Position(r.epoch, last.offset()));
                return v;
            }
            v.put(r.channel, new Position(r.epoch, r.to));
        }
        return null;
    }
}
