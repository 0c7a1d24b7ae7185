package io.hubbub.core.session;

import java.util.HashMap;
import java.util.Map;

/**
 * The highest offset delivered to one session per channel, recorded only while a {@code session:resume}
 * reply is pending ({@link Session#watchDelivered}), so that the reply can report positions no lower than
 * what the client already received. Bounded: it holds only the channels the session re-subscribes (its
 * rooms and topics, each capped by the connection limits) and lives for one resume.
 *
 * <p>Threading: broker delivery threads record and send while holding this object's monitor, and the
 * reply is built and sent under it too, so no delivery can slip between reading a position and sending
 * the reply.
 */
final class DeliveredPositions {
    private final Map<String, Long> last = new HashMap<>();

    /** Caller holds this object's monitor. Offset 0 (unrecorded pushes) changes nothing. */
    void record(String channel, long offset) {
        if (offset > 0) last.merge(channel, offset, Math::max);
    }

    /** Caller holds this object's monitor; 0 if nothing was delivered on the channel. */
    long last(String channel) {
        Long v = last.get(channel);
        return v == null ? 0 : v;
    }
}
