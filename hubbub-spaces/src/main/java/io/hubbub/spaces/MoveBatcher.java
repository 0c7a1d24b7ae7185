package io.hubbub.spaces;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One receiver's movement batching, pure: the first move the receiver is owed in a tick is sent at
 * once (low latency at low rates); later moves of the same tick wait for the tick's end and go out
 * together, one frame. Only a mover's latest position is kept, so the pending batch is bounded by the
 * number of movers. Not thread-safe (one space's lock).
 */
final class MoveBatcher {

    /** A member's accepted position. */
    record Move(String userId, int x, int y) {}

    private final Map<String, Move> pending = new LinkedHashMap<>();
    private long lastFrameTick = -1;

    /**
     * Offers a move at tick {@code tick}; returns the moves to send now (one frame), or an empty list
     * when the move waits for {@link #flush}.
     */
    List<Move> offer(Move m, long tick) {
        if (lastFrameTick < tick && pending.isEmpty()) {
            lastFrameTick = tick;
            return List.of(m);
        }
        pending.remove(m.userId()); // re-inserted last: the batch keeps the order of the latest moves
        pending.put(m.userId(), m);
        return List.of();
    }

    /** At the end of a tick: what is pending (one frame), or an empty list. */
    List<Move> flush(long tick) {
        if (pending.isEmpty()) return List.of();
        List<Move> out = new ArrayList<>(pending.values());
        pending.clear();
        lastFrameTick = tick;
        return out;
    }

    /** Forgets a mover's pending move (it left the receiver's view or the space). */
    void forget(String userId) {
        pending.remove(userId);
    }

    int pendingCount() {
        return pending.size();
    }
}
