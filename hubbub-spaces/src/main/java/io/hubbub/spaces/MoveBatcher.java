package io.hubbub.spaces;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A space's movement batching, pure: at most one frame per tick, shared by every receiver. The first
 * move of a tick goes out at once (low latency at low rates) unless the tick already had its frame;
 * later moves wait and go out together, one frame, when the next tick starts — and that frame is the
 * new tick's one frame. Only a mover's latest position is kept, so the pending batch is bounded by
 * the number of movers. Not thread-safe (one space's lock).
 */
final class MoveBatcher {

    /** A member's accepted position; {@code n} is its short number in the space (compact frames). */
    record Move(String userId, int n, int x, int y) {
        Move(String userId, int x, int y) {
            this(userId, 0, x, y);
        }
    }

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

    /** Keeps a move for the next {@link #flush}, never sending it at once (the per-cell frames of the area of interest). */
    void hold(Move m) {
        pending.remove(m.userId());
        pending.put(m.userId(), m);
    }

    /**
     * When tick {@code tick} starts: what is pending (one frame, counted as this tick's frame), or an
     * empty list (then the tick's first move may still go out at once).
     */
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
