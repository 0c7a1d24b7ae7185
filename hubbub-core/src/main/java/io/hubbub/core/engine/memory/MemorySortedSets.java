package io.hubbub.core.engine.memory;

import io.hubbub.core.engine.SortedSets;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/**
 * The single-node {@link SortedSets}: per set a score map and a tree in rank order, under the set's
 * monitor. Ranks and ranges walk the tree (O(rank)): meant for boards of thousands of members.
 * Bounded by what callers put in (see the interface).
 *
 * <p>Threading: any thread; futures are complete on return.
 */
public final class MemorySortedSets implements SortedSets {
    private record Item(String member, byte[] bytes, double score) {}

    /** Higher score first, then member bytes descending (unsigned), like Redis's ZREVRANGE. */
    private static final Comparator<Item> ORDER = (a, b) -> {
        int c = Double.compare(b.score, a.score);
        return c != 0 ? c : Arrays.compareUnsigned(b.bytes, a.bytes);
    };

    private static final class ZSet {
        final Map<String, Item> byMember = new HashMap<>();
        final TreeSet<Item> ordered = new TreeSet<>(ORDER);

        void put(String member, double score) {
            Item old = byMember.remove(member);
            if (old != null) ordered.remove(old);
            Item i = new Item(member, member.getBytes(StandardCharsets.UTF_8), score);
            byMember.put(member, i);
            ordered.add(i);
        }

        boolean remove(String member) {
            Item old = byMember.remove(member);
            if (old != null) ordered.remove(old);
            return old != null;
        }
    }

    private final Map<String, ZSet> sets = new HashMap<>();

    private static void check(String set, String member) {
        if (set == null || set.isEmpty() || member == null) throw new IllegalArgumentException("set and member are required");
    }

    private ZSet get(String set) {
        return sets.computeIfAbsent(set, k -> new ZSet());
    }

    private void dropIfEmpty(String set, ZSet z) {
        if (z.byMember.isEmpty()) sets.remove(set);
    }

    @Override
    public synchronized CompletableFuture<Void> put(String set, String member, double score, String replaces) {
        check(set, member);
        ZSet z = get(set);
        if (replaces != null && !replaces.equals(member)) z.remove(replaces);
        z.put(member, score);
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletableFuture<Double> increment(String set, String member, double by) {
        check(set, member);
        ZSet z = get(set);
        Item old = z.byMember.get(member);
        double next = (old == null ? 0 : old.score) + by;
        z.put(member, next);
        return CompletableFuture.completedFuture(next);
    }

    @Override
    public synchronized CompletableFuture<Boolean> remove(String set, String member) {
        check(set, member);
        ZSet z = sets.get(set);
        boolean had = z != null && z.remove(member);
        if (z != null) dropIfEmpty(set, z);
        return CompletableFuture.completedFuture(had);
    }

    @Override
    public synchronized CompletableFuture<OptionalLong> rank(String set, String member) {
        check(set, member);
        ZSet z = sets.get(set);
        Item i = z == null ? null : z.byMember.get(member);
        return CompletableFuture.completedFuture(i == null ? OptionalLong.empty() : OptionalLong.of(z.ordered.headSet(i).size()));
    }

    @Override
    public synchronized CompletableFuture<List<Member>> range(String set, long from, int count) {
        ZSet z = sets.get(set);
        List<Member> out = new ArrayList<>();
        if (z == null || from < 0 || count <= 0) return CompletableFuture.completedFuture(out);
        long r = 0;
        for (Iterator<Item> it = z.ordered.iterator(); it.hasNext() && out.size() < count; r++) {
            Item i = it.next();
            if (r >= from) out.add(new Member(i.member, i.score));
        }
        return CompletableFuture.completedFuture(out);
    }

    @Override
    public synchronized CompletableFuture<Long> size(String set) {
        ZSet z = sets.get(set);
        return CompletableFuture.completedFuture(z == null ? 0L : z.byMember.size());
    }

    @Override
    public synchronized CompletableFuture<Void> replaceAll(String set, Map<String, Double> members) {
        sets.remove(set);
        if (!members.isEmpty()) {
            ZSet z = get(set);
            members.forEach(z::put);
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public synchronized CompletableFuture<Void> delete(String set) {
        sets.remove(set);
        return CompletableFuture.completedFuture(null);
    }
}
