package io.hubbub.core.engine.contract;

import static io.hubbub.core.engine.contract.Contracts.await;
import static io.hubbub.core.engine.contract.Contracts.unique;
import static org.assertj.core.api.Assertions.assertThat;

import io.hubbub.core.engine.SortedSets;
import io.hubbub.core.engine.SortedSets.Member;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The guarantees of {@link SortedSets} every engine must give: one order (score descending, equal
 * scores by member bytes descending), ranks and ranges in it, a put that replaces another member in
 * one step, increments that add up under concurrency from several nodes, and whole-set replacement.
 */
public abstract class SortedSetsContract {

    /** Sorted sets on the engine's backend; two calls in one test share the data (two nodes, or one memory engine). */
    protected abstract SortedSets newSets();

    protected void afterEachTest() {}

    @AfterEach
    void cleanUp() {
        afterEachTest();
    }

    private static List<String> members(List<Member> l) {
        return l.stream().map(Member::member).toList();
    }

    @Test
    void higherScoresFirstAndTiesByMemberDescending() {
        SortedSets a = newSets(), b = newSets();
        String set = unique("zset");
        await(a.put(set, "amy", 10, null));
        await(b.put(set, "zed", 10, null));
        await(a.put(set, "bob", 20, null));
        await(b.put(set, "cat", 1.5, null));
        await(a.put(set, "Émile", 10, null)); // non-ASCII: compared as UTF-8 bytes (0xC3 > 'z')
        assertThat(members(await(b.range(set, 0, 10)))).containsExactly("bob", "Émile", "zed", "amy", "cat");
        assertThat(await(a.range(set, 0, 10)).get(4)).isEqualTo(new Member("cat", 1.5));
        assertThat(await(a.rank(set, "zed"))).isEqualTo(OptionalLong.of(2));
        assertThat(await(a.rank(set, "nobody"))).isEmpty();
        assertThat(members(await(a.range(set, 1, 2)))).containsExactly("Émile", "zed");
        assertThat(await(a.range(set, 5, 3))).isEmpty();
        assertThat(await(a.size(set))).isEqualTo(5);
        assertThat(await(a.size(unique("none")))).isZero();
    }

    @Test
    void aPutReplacesAnotherMemberInOneStep() {
        SortedSets a = newSets(), b = newSets();
        String set = unique("zset");
        await(a.put(set, "0005:ann", 50, null));
        await(a.put(set, "0009:bob", 40, null));
        await(b.put(set, "0003:ann", 70, "0005:ann"));
        assertThat(await(a.range(set, 0, 10))).containsExactly(new Member("0003:ann", 70), new Member("0009:bob", 40));
        await(b.put(set, "0003:ann", 80, "0003:ann")); // replacing itself: only the score changes
        assertThat(await(a.range(set, 0, 10))).containsExactly(new Member("0003:ann", 80), new Member("0009:bob", 40));
        assertThat(await(a.remove(set, "0009:bob"))).isTrue();
        assertThat(await(a.remove(set, "0009:bob"))).isFalse();
        assertThat(await(b.size(set))).isEqualTo(1);
    }

    @Test
    void concurrentIncrementsFromSeveralNodesAddUp() {
        List<SortedSets> nodes = List.of(newSets(), newSets(), newSets());
        String set = unique("zset");
        List<CompletableFuture<Double>> all = new ArrayList<>();
        for (int i = 0; i < 300; i++) all.add(nodes.get(i % 3).increment(set, i % 2 == 0 ? "even" : "odd", 1));
        all.forEach(Contracts::await);
        assertThat(await(nodes.get(0).range(set, 0, 10))).containsExactly(new Member("odd", 150), new Member("even", 150));
        assertThat(await(nodes.get(1).increment(set, "even", 0.5))).isEqualTo(150.5);
        assertThat(await(nodes.get(2).rank(set, "even"))).isEqualTo(OptionalLong.of(0));
    }

    @Test
    void replaceAllSwapsTheWholeSetAndEmptyDeletesIt() {
        SortedSets a = newSets(), b = newSets();
        String set = unique("zset");
        await(a.put(set, "old", 99, null));
        Map<String, Double> members = new LinkedHashMap<>();
        for (int i = 0; i < 2500; i++) members.put(String.format("m%05d", i), (double) (i % 100)); // more than one script chunk
        await(b.replaceAll(set, members));
        assertThat(await(a.size(set))).isEqualTo(2500);
        assertThat(await(a.rank(set, "old"))).isEmpty();
        assertThat(members(await(a.range(set, 0, 2)))).containsExactly("m02499", "m02399");
        await(a.replaceAll(set, Map.of()));
        assertThat(await(b.size(set))).isZero();
        await(a.put(set, "x", 1, null));
        await(b.delete(set));
        assertThat(await(a.range(set, 0, 5))).isEmpty();
    }
}
