package io.hubbub.spaces;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.hubbub.core.limit.TokenBucket;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import io.hubbub.core.protocol.Json;
import io.hubbub.core.protocol.Outbound;
import io.hubbub.core.session.Session;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;

/**
 * One space while it has members on this node: who is where, proximity groups, areas of interest,
 * movement batching, and the positions to persist. Every method takes the space's lock; sends are
 * non-blocking and bounded (each session's outbox), so nothing inside the lock blocks.
 *
 * <p>Visibility: at most {@code aoiAbove} members everyone sees everyone; above it each member is
 * told only of members in its view ({@link AreaOfInterest}). Accepted positions are kept for
 * persisting ({@link PositionLog}).
 *
 * <p>Movement goes out as shared frames, each built and encoded once per form ({@link MovesFrame}:
 * full or compact, as each receiver joined): batched, one {@code space:moves} per tick for the whole
 * space (per cell with the area of interest), listing every mover's latest position, the receiver's
 * own included; unbatched, one frame per move shared by its receivers.
 *
 * <p>Every member has a short number {@code n}, announced with it ({@code space:join} reply,
 * {@code space:user-joined}) and used by compact frames instead of its user id. Numbers are never
 * reused while the space is live here, so a number a client learned never means someone else; a
 * connection that takes over its user's avatar keeps it. A reloaded space (after a fail-over)
 * numbers afresh, and its members learn the new numbers when they join it again.
 */
final class LiveSpace {
    private static final JsonStringEncoder QUOTE = JsonStringEncoder.getInstance();
    /** A member present on this node. */
    static final class Member {
        final String userId;
        final String name;
        final int n;
        Session session;
        boolean compact; // its space:moves frames in the compact form
        int x, y;
        final int[] at = new int[2]; // {x, y} as well: the array proximity reads and the position log holds
        final TokenBucket moves;
        Set<String> known; // AOI only
        boolean viewChecked; // AOI only: known was reconciled with this member's view since the AOI turned on

        Member(String userId, String name, int n, Session session, int x, int y, TokenBucket moves) {
            this.userId = userId;
            this.name = name;
            this.n = n;
            this.session = session;
            this.moves = moves;
            place(x, y);
        }

        void place(int x, int y) {
            this.x = x;
            this.y = y;
            at[0] = x;
            at[1] = y;
        }
    }

    /** The answer to a move: accepted or not, and the mover's position afterwards. */
    record MoveResult(MoveRules.Verdict verdict, int x, int y) {}

    final SpaceStore.Space space;
    private MoveRules.Tiles blocked;
    private long elementsSeq;
    private final SpacesSettings cfg;
    private final Map<String, Member> members = new LinkedHashMap<>();
    private final PositionLog positionLog = new PositionLog();
    private final AreaOfInterest view;
    private final Proximity proximity;
    private final Cells<Member> proximityCells; // who stands where, in cells of proximityDistance tiles
    private final Proximity.Positions positions = new Proximity.Positions() {
        @Override
        public int[] of(String userId) {
            Member m = members.get(userId);
            return m == null ? null : m.at;
        }

        @Override
        public Iterable<String> all() {
            return members.keySet();
        }

        @Override
        public Iterable<String> near(int x, int y) {
            List<Member> around = proximityCells.around(x, y);
            List<String> out = new ArrayList<>(around.size());
            for (Member m : around) out.add(m.userId);
            return out;
        }
    };
    private final MoveBatcher batcher = new MoveBatcher();
    private boolean closed;
    private long tick;
    private int nextN = 1; // the next member's short number

    LiveSpace(SpaceStore.Space space, List<SpaceStore.Placed> elements, Map<String, int[]> restored, SpacesSettings cfg) {
        this.space = space;
        this.cfg = cfg;
        this.blocked = tiles(space.dimensions(), elements);
        this.proximity = new Proximity(cfg.proximityDistance(), cfg.proximityMaxGroup());
        this.proximityCells = new Cells<>(cfg.proximityDistance());
        this.view = new AreaOfInterest(space.id(), cfg, members);
        restored.forEach((u, p) -> {
            if (space.dimensions().contains(p[0], p[1]) && !blocked.has(p[0], p[1])) positionLog.restore(u, p);
        });
    }

    private static MoveRules.Tiles tiles(Dimensions d, List<SpaceStore.Placed> elements) {
        MoveRules.Tiles t = new MoveRules.Tiles(d);
        for (SpaceStore.Placed p : elements) if (p.element().isStatic()) t.cover(p.x(), p.y(), p.element().width(), p.element().height());
        return t;
    }

    /**
     * The placed elements changed while the space is live: later moves follow the new ones. Members
     * standing on a newly covered tile stay there and may step off it. {@code seq} orders the reads:
     * taken before reading, so a read begun later saw data at least as new; an older one is ignored.
     */
    synchronized void elements(List<SpaceStore.Placed> elements, long seq) {
        if (seq <= elementsSeq) return;
        elementsSeq = seq;
        blocked = tiles(space.dimensions(), elements);
    }

    String id() {
        return space.id();
    }

    synchronized boolean isClosed() {
        return closed;
    }

    synchronized int size() {
        return members.size();
    }

    /**
     * Adds a member (or gives an existing member's place to its new connection) and tells the others;
     * {@code compact}: its {@code space:moves} frames come in the compact form. Returns the
     * {@code space:join} reply, or null when the space was closed meanwhile (retry on a fresh one).
     */
    synchronized ObjectNode join(Session s, TokenBucket moves, boolean compact) {
        if (closed) return null;
        String uid = s.userId();
        Member m = members.get(uid);
        if (m != null) {
            m.session = s; // a second connection of the same user takes over its avatar
            m.compact = compact;
        } else {
            if (members.size() >= cfg.maxMembers()) throw new HubbubException(ErrorCode.ROOM_FULL, "the space is full");
            if (nextN == Integer.MAX_VALUE) throw HubbubException.unavailable("the space ran out of member numbers; it renumbers when everyone has left");
            int[] p = spawn(uid);
            m = new Member(uid, s.principal().name(), nextN++, s, p[0], p[1], moves);
            m.compact = compact;
            members.put(uid, m);
            proximityCells.add(m, m.x, m.y);
            view.add(m);
            positionLog.remember(m);
            view.update();
            ObjectNode joined = event().put("userId", uid).put("n", m.n).put("x", m.x).put("y", m.y);
            Outbound.Push push = new Outbound.Push("space:user-joined", joined);
            for (Member r : members.values()) {
                if (r == m) continue;
                if (!view.visible(r, m)) {
                    r.known.remove(uid); // the area of interest may have just turned on, listing everyone
                    continue;
                }
                r.session.send(push);
                if (r.known != null) r.known.add(uid);
            }
            view.joined(m);
            proximityChanges(proximity.update(uid, positions));
        }
        ObjectNode reply = event().put("n", m.n);
        reply.putObject("spawn").put("x", m.x).put("y", m.y);
        // written as JSON text, not a tree: a joiner of a space of N gets N entries, and a tree of them
        // was most of what a space filling up allocates (issue 12: the join ramp's promoted garbage)
        StringBuilder users = new StringBuilder(32 + members.size() * 40).append('[');
        for (Member o : members.values()) {
            if (o == m || !view.visible(m, o)) continue;
            if (users.length() > 1) users.append(',');
            users.append("{\"userId\":\"").append(QUOTE.quoteAsString(o.userId)).append("\",\"n\":").append(o.n)
                    .append(",\"x\":").append(o.x).append(",\"y\":").append(o.y).append('}');
            if (m.known != null) m.known.add(o.userId);
        }
        reply.putRawValue("users", new RawValue(users.append(']').toString()));
        String g = proximity.groupOf(uid);
        if (g != null) reply.putObject("proximity").put("groupId", g).set("peers", Json.MAPPER.valueToTree(peers(g, uid)));
        return reply;
    }

    /** Removes the member of session {@code s} (if it is still that session's); {@code forget}: drop its position too. */
    synchronized boolean leave(Session s, boolean forget) {
        Member m = members.get(s.userId());
        if (m == null || m.session != s) return false;
        members.remove(m.userId);
        proximityCells.remove(m, m.x, m.y);
        view.remove(m);
        if (forget) positionLog.forget(m.userId);
        proximityChanges(proximity.remove(m.userId));
        Outbound.Push push = new Outbound.Push("space:user-left", event().put("userId", m.userId).put("reason", "leave"));
        batcher.forget(m.userId);
        for (Member r : members.values()) {
            if (r.known != null && !r.known.remove(m.userId)) continue;
            r.session.send(push);
        }
        view.update();
        if (members.isEmpty()) closed = true; // the registry drops it after a last flush
        return true;
    }

    /** Checks and applies a move of the member of {@code s}; the others are told of an accepted one. */
    synchronized MoveResult move(Session s, int x, int y) {
        Member m = member(s);
        MoveRules.Verdict v = MoveRules.check(space.dimensions(), blocked, m.x, m.y, x, y, m.moves.tryAcquire());
        if (v != MoveRules.Verdict.OK) return new MoveResult(v, m.x, m.y);
        int fromX = m.x, fromY = m.y;
        proximityCells.move(m, fromX, fromY, x, y);
        m.place(x, y);
        positionLog.remember(m);
        view.moved(m, fromX, fromY);
        MoveBatcher.Move mv = new MoveBatcher.Move(m.userId, m.n, x, y);
        if (!cfg.batchMovement()) {
            view.sendToOthers(m, movesFrame(List.of(mv)));
        } else if (view.on()) {
            batcher.hold(mv); // per cell, at the tick
        } else {
            List<MoveBatcher.Move> now = batcher.offer(mv, tick);
            if (!now.isEmpty()) view.sendToOthers(m, movesFrame(now));
        }
        proximityChanges(proximity.update(m.userId, positions));
        return new MoveResult(v, x, y);
    }

    /** Sends a chat line to everyone in the space, the sender included. */
    synchronized void chat(SpaceStore.ChatLine line) {
        ObjectNode p = event().put("id", line.id()).put("userId", line.userId()).put("name", line.name())
                .put("message", line.message()).put("ts", line.ts());
        Outbound.Push push = new Outbound.Push("space:message", p);
        for (Member r : members.values()) r.session.send(push);
    }

    /** Relays a signal to {@code to} if both are in the same proximity group; false otherwise. */
    synchronized boolean signal(Session from, String to, JsonNode data) {
        Member m = member(from);
        Member r = members.get(to);
        if (r == null || !proximity.together(m.userId, to)) return false;
        ObjectNode p = event().put("from", m.userId);
        p.set("data", data);
        r.session.send(new Outbound.Push("space:signal", p));
        return true;
    }

    /** True if the member of {@code s} is here. */
    synchronized boolean has(Session s) {
        Member m = members.get(s.userId());
        return m != null && m.session == s;
    }

    /** Ends of a tick: flushes batched movement; returns the position buckets to persist (bucket → JSON). */
    synchronized Map<Integer, ObjectNode> tick() {
        tick++;
        List<MoveBatcher.Move> batch = batcher.flush(tick);
        if (!batch.isEmpty()) {
            if (view.on()) view.sendByCell(batch, this::movesFrame);
            else {
                MovesFrame frame = movesFrame(batch); // one frame per form, encoded once, for everybody
                for (Member r : members.values()) r.session.send(frame.push(r.compact));
            }
        }
        return positionLog.takeChanged();
    }

    /** The space was deleted: members are told and the space closes. */
    synchronized List<Session> close() {
        closed = true;
        List<Session> out = new ArrayList<>();
        Outbound.Push push = new Outbound.Push("space:closed", event());
        for (Member m : members.values()) {
            m.session.send(push);
            out.add(m.session);
        }
        members.clear();
        return out;
    }

    // ---- inside the lock ----

    private Member member(Session s) {
        Member m = members.get(s.userId());
        if (m == null || m.session != s) throw HubbubException.badRequest("join a space first");
        return m;
    }

    private ObjectNode event() {
        return Json.object().put("spaceId", space.id());
    }

    /** {@code tick}: the space's tick the frame belongs to (batched: a receiver gets at most one frame per tick). */
    private MovesFrame movesFrame(List<MoveBatcher.Move> moves) {
        return new MovesFrame(space.id(), tick, moves);
    }

    private int[] spawn(String uid) {
        Dimensions d = space.dimensions();
        int[] last = positionLog.last(uid);
        if (last != null) return last; // back where it was last accepted (e.g. after a fail-over)
        // occupancy from the cell index (the members of one cell), not a set of every member per join
        ThreadLocalRandom rnd = ThreadLocalRandom.current();
        for (int i = 0; i < 64; i++) {
            int x = rnd.nextInt(d.width()), y = rnd.nextInt(d.height());
            if (!blocked.has(x, y) && !occupied(x, y)) return new int[] {x, y};
        }
        int[] fallback = null;
        for (int y = 0; y < d.height(); y++) {
            for (int x = 0; x < d.width(); x++) {
                if (blocked.has(x, y)) continue;
                if (!occupied(x, y)) return new int[] {x, y};
                if (fallback == null) fallback = new int[] {x, y};
            }
        }
        if (fallback == null) throw HubbubException.badRequest("the space has no free tile");
        return fallback;
    }

    private boolean occupied(int x, int y) {
        for (Member o : proximityCells.in(x, y)) if (o.x == x && o.y == y) return true;
        return false;
    }

    private List<String> peers(String group, String self) {
        List<String> out = new ArrayList<>();
        for (String u : proximity.members(group)) if (!u.equals(self)) out.add(u);
        return out;
    }

    private void proximityChanges(List<Proximity.Change> changes) {
        for (Proximity.Change c : changes) {
            Member m = members.get(c.userId());
            if (m == null) continue;
            ObjectNode p = event();
            String type = switch (c) {
                case Proximity.Change.Entered e -> {
                    p.put("groupId", e.groupId()).set("peers", Json.MAPPER.valueToTree(e.peers()));
                    yield "proximity:enter";
                }
                case Proximity.Change.Peers e -> {
                    p.put("groupId", e.groupId()).set("peers", Json.MAPPER.valueToTree(e.peers()));
                    yield "proximity:update";
                }
                case Proximity.Change.Left e -> {
                    p.put("groupId", e.groupId());
                    yield "proximity:leave";
                }
            };
            m.session.send(new Outbound.Push(type, p));
        }
    }
}
