package io.hubbub.spaces;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Proximity groups (WorkAdventure's "bubbles"), pure: members within {@code distance} tiles
 * (Chebyshev) of each other form a group of at most {@code maxGroup}; a full group is not joined.
 *
 * <p>Rules, applied to the member that moved (or joined): a member in a group stays while it is
 * within distance of at least one other member of it; otherwise it leaves, and a group left with one
 * member dissolves. A member in no group joins the group of the nearest member in range whose group
 * has room, or forms a new group with the nearest member in range that is in no group. Ties are
 * broken by user id, so the result depends only on the positions. Not thread-safe (one space's lock).
 */
final class Proximity {

    /** What a member is told. */
    sealed interface Change {
        String userId();

        /** The member joined {@code groupId}; {@code peers} are the other members. */
        record Entered(String userId, String groupId, List<String> peers) implements Change {}

        /** The member is no longer in {@code groupId}. */
        record Left(String userId, String groupId) implements Change {}

        /** The member's group changed: {@code peers} are now the other members. */
        record Peers(String userId, String groupId, List<String> peers) implements Change {}
    }

    /** Where a member stands. */
    interface Positions {
        /** {x, y} of a member, or null if it is not in the space. */
        int[] of(String userId);

        Iterable<String> all();

        /** The members that may be within {@code distance} of (x, y): a superset is fine (default: all). */
        default Iterable<String> near(int x, int y) {
            return all();
        }
    }

    private final int distance;
    private final int maxGroup;
    private final Map<String, String> groupOf = new HashMap<>();
    private final Map<String, Set<String>> groups = new HashMap<>();
    private long nextGroup;

    Proximity(int distance, int maxGroup) {
        this.distance = distance;
        this.maxGroup = maxGroup;
    }

    String groupOf(String userId) {
        return groupOf.get(userId);
    }

    /** Members of a group (empty if none). */
    Set<String> members(String groupId) {
        return groups.getOrDefault(groupId, Set.of());
    }

    /** Re-evaluates {@code userId} after it moved or joined. */
    List<Change> update(String userId, Positions pos) {
        List<Change> out = new ArrayList<>();
        int[] me = pos.of(userId);
        if (me == null) return remove(userId);
        String g = groupOf.get(userId);
        if (g != null) {
            for (String other : groups.get(g)) {
                if (other.equals(userId)) continue;
                int[] o = pos.of(other);
                if (o != null && MoveRules.distance(me[0], me[1], o[0], o[1]) <= distance) return out; // still close to someone
            }
            out.addAll(remove(userId));
        }
        List<String> near = new ArrayList<>();
        for (String other : pos.near(me[0], me[1])) {
            if (other.equals(userId)) continue;
            int[] o = pos.of(other);
            if (o != null && MoveRules.distance(me[0], me[1], o[0], o[1]) <= distance) near.add(other);
        }
        near.sort(Comparator.<String>comparingInt(o -> {
            int[] p = pos.of(o);
            return MoveRules.distance(me[0], me[1], p[0], p[1]);
        }).thenComparing(o -> o));
        for (String other : near) {
            String og = groupOf.get(other);
            if (og != null) {
                Set<String> members = groups.get(og);
                if (members.size() >= maxGroup) continue;
                members.add(userId);
                groupOf.put(userId, og);
                announce(og, userId, out);
                return out;
            }
            String ng = "g" + (++nextGroup);
            Set<String> members = new LinkedHashSet<>();
            members.add(other);
            members.add(userId);
            groups.put(ng, members);
            groupOf.put(other, ng);
            groupOf.put(userId, ng);
            out.add(new Change.Entered(other, ng, List.of(userId)));
            out.add(new Change.Entered(userId, ng, List.of(other)));
            return out;
        }
        return out;
    }

    /** Takes a member out of its group (it left the space, or moved away). */
    List<Change> remove(String userId) {
        String g = groupOf.remove(userId);
        if (g == null) return List.of();
        List<Change> out = new ArrayList<>();
        Set<String> members = groups.get(g);
        members.remove(userId);
        out.add(new Change.Left(userId, g));
        if (members.size() <= 1) {
            for (String last : members) {
                groupOf.remove(last);
                out.add(new Change.Left(last, g));
            }
            groups.remove(g);
        } else {
            for (String m : members) out.add(new Change.Peers(m, g, peers(members, m)));
        }
        return out;
    }

    /** True when both are members of the same group (signals are relayed only then). */
    boolean together(String a, String b) {
        String g = groupOf.get(a);
        return g != null && g.equals(groupOf.get(b));
    }

    private void announce(String g, String joiner, List<Change> out) {
        Set<String> members = groups.get(g);
        for (String m : members) {
            if (m.equals(joiner)) out.add(new Change.Entered(m, g, peers(members, m)));
            else out.add(new Change.Peers(m, g, peers(members, m)));
        }
    }

    private static List<String> peers(Set<String> members, String self) {
        List<String> p = new ArrayList<>(members.size());
        for (String m : members) if (!m.equals(self)) p.add(m);
        return List.copyOf(p);
    }
}
