package io.hubbub.spaces;

import java.util.BitSet;

/**
 * The server's movement rules, pure (no I/O, no clock): a move is accepted only when the mover is
 * within its rate limit, the target is exactly one tile up, down, left or right of the current
 * position, inside the space, and not covered by a static element. Checked in that order, so a
 * flood is refused before any other work.
 */
final class MoveRules {
    private MoveRules() {}

    /** Why a move was refused; {@link #OK} when it was accepted. */
    enum Verdict { OK, RATE_LIMITED, NOT_ADJACENT, OUT_OF_BOUNDS, BLOCKED }

    static Verdict check(Dimensions d, Tiles blocked, int fromX, int fromY, int toX, int toY, boolean withinRate) {
        if (!withinRate) return Verdict.RATE_LIMITED;
        if (Math.abs(toX - fromX) + Math.abs(toY - fromY) != 1) return Verdict.NOT_ADJACENT;
        if (!d.contains(toX, toY)) return Verdict.OUT_OF_BOUNDS;
        if (blocked.has(toX, toY)) return Verdict.BLOCKED;
        return Verdict.OK;
    }

    /** Chebyshev distance: the number of king moves between two tiles (used by proximity and AOI). */
    static int distance(int ax, int ay, int bx, int by) {
        return Math.max(Math.abs(ax - bx), Math.abs(ay - by));
    }

    /**
     * The tiles of a space covered by static elements: each static element at (x, y) covers
     * {@code [x, x+width) × [y, y+height)}, clipped to the space. One bit per tile (a 1000×1000
     * space costs 125 KB).
     */
    static final class Tiles {
        private final Dimensions d;
        private final BitSet bits;

        Tiles(Dimensions d) {
            this.d = d;
            this.bits = new BitSet(d.width() * d.height());
        }

        void cover(int x, int y, int width, int height) {
            int x0 = Math.max(0, x), x1 = Math.min(d.width(), x + Math.max(1, width));
            int y0 = Math.max(0, y), y1 = Math.min(d.height(), y + Math.max(1, height));
            if (x0 >= x1) return;
            for (int row = y0; row < y1; row++) bits.set(row * d.width() + x0, row * d.width() + x1);
        }

        boolean has(int x, int y) {
            return d.contains(x, y) && bits.get(y * d.width() + x);
        }

        int count() {
            return bits.cardinality();
        }
    }
}
