package io.hubbub.spaces;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A space cut into square cells of {@code size} tiles, pure: who stands in which cell, and the 3×3
 * cells around a tile. Everything within {@code size} tiles (Chebyshev) of a tile is in the 3×3 cells
 * around it, so proximity and the area of interest look only there. Not thread-safe (one space's lock).
 */
final class Cells<T> {
    private final int size;
    private final Map<Long, List<T>> index = new HashMap<>();

    Cells(int size) {
        this.size = size;
    }

    int cell(int coordinate) {
        return Math.floorDiv(coordinate, size);
    }

    long key(int x, int y) {
        return key2(cell(x), cell(y));
    }

    private static long key2(int cx, int cy) {
        return ((long) cx << 32) | (cy & 0xffffffffL);
    }

    /** True when the tiles' cells touch (the same cell or one of the 8 around it). */
    boolean neighbours(int ax, int ay, int bx, int by) {
        return Math.abs(cell(ax) - cell(bx)) <= 1 && Math.abs(cell(ay) - cell(by)) <= 1;
    }

    void add(T t, int x, int y) {
        index.computeIfAbsent(key(x, y), k -> new ArrayList<>()).add(t);
    }

    void remove(T t, int x, int y) {
        long k = key(x, y);
        List<T> in = index.get(k);
        if (in == null) return;
        in.remove(t);
        if (in.isEmpty()) index.remove(k);
    }

    /** {@code t} moved from (fx, fy) to (tx, ty). */
    void move(T t, int fx, int fy, int tx, int ty) {
        if (key(fx, fy) == key(tx, ty)) return;
        remove(t, fx, fy);
        add(t, tx, ty);
    }

    /** Everything in the cell of (x, y) (a live view; empty when nobody is there). */
    List<T> in(int x, int y) {
        List<T> in = index.get(key(x, y));
        return in == null ? List.of() : in;
    }

    /** Everything in the 3×3 cells around (x, y). */
    List<T> around(int x, int y) {
        List<T> out = new ArrayList<>();
        int cx = cell(x), cy = cell(y);
        for (int ix = cx - 1; ix <= cx + 1; ix++) {
            for (int iy = cy - 1; iy <= cy + 1; iy++) {
                List<T> in = index.get(key2(ix, iy));
                if (in != null) out.addAll(in);
            }
        }
        return out;
    }
}
