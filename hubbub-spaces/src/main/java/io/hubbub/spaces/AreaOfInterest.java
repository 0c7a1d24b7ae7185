package io.hubbub.spaces;

import io.hubbub.core.protocol.Json;
import io.hubbub.core.protocol.Outbound;
import io.hubbub.spaces.LiveSpace.Member;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Who sees whom in one {@link LiveSpace}. At most {@code aoiAbove} members everyone sees everyone;
 * above it each member sees only the members in its view, the 3×3 cells of {@code viewRadius} tiles
 * around its own, and is told ({@code space:user-joined}/{@code space:user-left} with
 * {@code "reason":"view"}) when someone enters or leaves it. A member's {@code known} set is what it
 * was told; it exists only while the area of interest is on. Reads the space's member map, never
 * changes it; called under the space's lock, sends are non-blocking.
 */
final class AreaOfInterest {
    private final String spaceId;
    private final int above;
    private final int viewRadius;
    private final Map<String, Member> members;
    private final Cells<Member> cells; // who stands where, in the area of interest's cells (viewRadius tiles)
    private boolean on;

    AreaOfInterest(String spaceId, SpacesSettings cfg, Map<String, Member> members) {
        this.spaceId = spaceId;
        this.above = cfg.aoiAbove();
        this.viewRadius = cfg.viewRadius();
        this.members = members;
        this.cells = new Cells<>(viewRadius);
    }

    /** Whether the area of interest is on (the space has more than {@code aoiAbove} members). */
    boolean on() {
        return on;
    }

    void add(Member m) {
        cells.add(m, m.x, m.y);
    }

    void remove(Member m) {
        cells.remove(m, m.x, m.y);
    }

    /** {@code m} just joined (and was told of everyone it sees): from now on its view is tracked. */
    void joined(Member m) {
        if (!on) return;
        m.known = new HashSet<>();
        m.viewChecked = true;
    }

    /**
     * {@code m} moved from (fromX, fromY) to where it stands now: it and the others are told of whom
     * they gained or lost sight of (only if it changed cell, or it was not checked since the area of
     * interest turned on).
     */
    void moved(Member m, int fromX, int fromY) {
        boolean newCell = cells.key(fromX, fromY) != cells.key(m.x, m.y);
        cells.move(m, fromX, fromY, m.x, m.y);
        if (on && (newCell || !m.viewChecked)) reconcile(m, fromX, fromY);
    }

    /** Whether {@code r} sees {@code o}. */
    boolean visible(Member r, Member o) {
        return !on || inView(r, o);
    }

    /** Sends one shared frame about mover {@code m} to everyone who sees it (all others, or those whose view holds it). */
    void sendToOthers(Member m, MovesFrame frame) {
        for (Member r : members.values()) {
            if (r != m && (!on || r.known.contains(m.userId))) r.session.send(frame.push(r.compact));
        }
    }

    /**
     * The area of interest's tick: one frame per cell that has receivers, holding the moves made in
     * its 3×3 cell neighbourhood (exactly what each receiver in the cell sees), shared by all of them.
     */
    void sendByCell(List<MoveBatcher.Move> batch, Function<List<MoveBatcher.Move>, MovesFrame> frameOf) {
        Cells<MoveBatcher.Move> moved = new Cells<>(viewRadius);
        for (MoveBatcher.Move mv : batch) moved.add(mv, mv.x(), mv.y());
        Map<Long, MovesFrame> frames = new HashMap<>();
        for (Member r : members.values()) {
            long key = cells.key(r.x, r.y);
            MovesFrame frame = frames.get(key);
            if (frame == null && !frames.containsKey(key)) {
                List<MoveBatcher.Move> seen = moved.around(r.x, r.y);
                frame = seen.isEmpty() ? null : frameOf.apply(seen);
                frames.put(key, frame);
            }
            if (frame != null) r.session.send(frame.push(r.compact));
        }
    }

    /**
     * Turns the area of interest on above {@code aoiAbove} members (everyone then knows everyone, as
     * told so far) and off at or below it (everyone is told of those it did not know).
     */
    void update() {
        boolean want = members.size() > above;
        if (want == on) return;
        on = want;
        if (on) {
            for (Member r : members.values()) {
                r.known = new HashSet<>(members.keySet());
                r.known.remove(r.userId);
                r.viewChecked = false; // reconciled at its next move (or the next move of each other member)
            }
            return;
        }
        for (Member r : members.values()) {
            for (Member o : members.values()) {
                if (o == r || r.known == null || r.known.contains(o.userId)) continue;
                r.session.send(viewPush(o, true));
            }
            r.known = null;
        }
    }

    /**
     * Reconciles what {@code m} (which came from (fromX, fromY)) and the others know of each other with
     * their views. Only members around its old or new cell can have changed — except after the area
     * of interest turned on, when everyone knew everyone: then all members are checked, once.
     * The news about m itself is one push shared by everyone who gains or loses it.
     */
    private void reconcile(Member m, int fromX, int fromY) {
        Collection<Member> candidates = members.values();
        if (m.viewChecked) {
            Set<Member> around = new LinkedHashSet<>(cells.around(fromX, fromY));
            around.addAll(cells.around(m.x, m.y));
            candidates = around;
        }
        Outbound.Push entered = null, left = null;
        for (Member r : candidates) {
            if (r == m) continue;
            boolean vis = inView(r, m);
            if (r.known.contains(m.userId) != vis) {
                if (vis) {
                    r.known.add(m.userId);
                    if (entered == null) entered = viewPush(m, true);
                    r.session.send(entered);
                } else {
                    r.known.remove(m.userId);
                    if (left == null) left = viewPush(m, false);
                    r.session.send(left);
                }
            }
            if (m.known.contains(r.userId) != vis) toggleView(m, r, vis);
        }
        m.viewChecked = true;
    }

    /** Tells {@code r} that {@code o} entered or left its area of interest. */
    private void toggleView(Member r, Member o, boolean visible) {
        if (visible) r.known.add(o.userId);
        else r.known.remove(o.userId);
        r.session.send(viewPush(o, visible));
    }

    /** {@code o} entered (at its position) or left a view. */
    private Outbound.Push viewPush(Member o, boolean visible) {
        var p = Json.object().put("spaceId", spaceId).put("userId", o.userId);
        return visible ? new Outbound.Push("space:user-joined", p.put("n", o.n).put("x", o.x).put("y", o.y).put("reason", "view"))
                : new Outbound.Push("space:user-left", p.put("reason", "view"));
    }

    /**
     * The view: the space is cut in square cells of {@code viewRadius} tiles; a member sees the members
     * in its cell and the 8 around it, so everyone within {@code viewRadius} (Chebyshev) and none
     * further than {@code 2·viewRadius − 1}. Cells let one frame per cell serve all its receivers.
     */
    private boolean inView(Member a, Member b) {
        return cells.neighbours(a.x, a.y, b.x, b.y);
    }
}
