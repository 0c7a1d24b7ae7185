package io.hubbub.spaces;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static io.hubbub.spaces.MoveRules.Verdict.*;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The pure rules: dimensions, movement, proximity groups, batching. */
class RulesTest {

    @Test
    void dimensionsAreTwoPositiveIntegers() {
        assertThat(Dimensions.parse("100x200", 1000)).isEqualTo(new Dimensions(100, 200));
        for (String bad : new String[] {"abc", "100", "100x", "x200", "-5x10", "0x5", "5x0", "1.5x2", " 5x5", "2000x5", null})
            assertThatThrownBy(() -> Dimensions.parse(bad, 1000)).as(String.valueOf(bad)).hasMessageContaining("dimensions");
    }

    @Test
    void aMoveIsOneTileInsideAndNotOntoAStaticElement() {
        Dimensions d = new Dimensions(3, 2);
        MoveRules.Tiles blocked = new MoveRules.Tiles(d);
        blocked.cover(2, 1, 1, 1);
        assertThat(MoveRules.check(d, blocked, 0, 0, 1, 0, true)).isEqualTo(OK);
        assertThat(MoveRules.check(d, blocked, 0, 0, 0, 1, true)).isEqualTo(OK);
        assertThat(MoveRules.check(d, blocked, 0, 0, 1, 1, true)).as("diagonal").isEqualTo(NOT_ADJACENT);
        assertThat(MoveRules.check(d, blocked, 0, 0, 2, 0, true)).as("two tiles").isEqualTo(NOT_ADJACENT);
        assertThat(MoveRules.check(d, blocked, 0, 0, 0, 0, true)).as("standing still").isEqualTo(NOT_ADJACENT);
        assertThat(MoveRules.check(d, blocked, 0, 0, -1, 0, true)).isEqualTo(OUT_OF_BOUNDS);
        assertThat(MoveRules.check(d, blocked, 0, 1, 0, 2, true)).isEqualTo(OUT_OF_BOUNDS);
        assertThat(MoveRules.check(d, blocked, 2, 0, 3, 0, true)).isEqualTo(OUT_OF_BOUNDS);
        assertThat(MoveRules.check(d, blocked, 1, 1, 2, 1, true)).isEqualTo(BLOCKED);
        assertThat(MoveRules.check(d, blocked, 0, 0, 1, 0, false)).as("rate first").isEqualTo(RATE_LIMITED);
    }

    @Test
    void staticElementsCoverTheirFootprintClippedToTheSpace() {
        Dimensions d = new Dimensions(4, 4);
        MoveRules.Tiles t = new MoveRules.Tiles(d);
        t.cover(2, 2, 5, 5);
        assertThat(t.count()).isEqualTo(4);
        assertThat(t.has(3, 3)).isTrue();
        assertThat(t.has(1, 3)).isFalse();
        assertThat(t.has(7, 7)).isFalse();
    }

    @Test
    void proximityGroupsFormCapAndDissolve() {
        Map<String, int[]> at = new HashMap<>();
        Proximity.Positions pos = new Proximity.Positions() {
            @Override public int[] of(String u) { return at.get(u); }
            @Override public Iterable<String> all() { return at.keySet(); }
        };
        Proximity px = new Proximity(3, 3);
        at.put("a", new int[] {0, 0});
        assertThat(px.update("a", pos)).isEmpty();
        at.put("b", new int[] {10, 0});
        assertThat(px.update("b", pos)).isEmpty();
        at.put("b", new int[] {3, 0});
        List<Proximity.Change> formed = px.update("b", pos);
        assertThat(formed).containsExactly(new Proximity.Change.Entered("a", "g1", List.of("b")), new Proximity.Change.Entered("b", "g1", List.of("a")));
        at.put("c", new int[] {1, 1});
        assertThat(px.update("c", pos)).contains(new Proximity.Change.Entered("c", "g1", List.of("a", "b")),
                new Proximity.Change.Peers("a", "g1", List.of("b", "c")));
        at.put("d", new int[] {0, 1});
        assertThat(px.update("d", pos)).as("a full group is not joined").isEmpty();
        assertThat(px.groupOf("d")).isNull();
        assertThat(px.together("a", "c")).isTrue();
        assertThat(px.together("a", "d")).isFalse();
        at.put("b", new int[] {20, 20});
        assertThat(px.update("b", pos)).contains(new Proximity.Change.Left("b", "g1"), new Proximity.Change.Peers("a", "g1", List.of("c")));
        at.remove("c");
        assertThat(px.remove("c")).contains(new Proximity.Change.Left("c", "g1"), new Proximity.Change.Left("a", "g1"));
        assertThat(px.groupOf("a")).isNull();
    }

    @Test
    void batchingSendsAtMostOneFramePerTick() {
        MoveBatcher b = new MoveBatcher();
        assertThat(b.offer(new MoveBatcher.Move("a", 1, 0), 0)).as("first of tick 0: at once").hasSize(1);
        assertThat(b.offer(new MoveBatcher.Move("a", 2, 0), 0)).isEmpty();
        assertThat(b.offer(new MoveBatcher.Move("b", 5, 5), 0)).isEmpty();
        assertThat(b.offer(new MoveBatcher.Move("a", 3, 0), 0)).isEmpty();
        assertThat(b.flush(1)).as("tick 1's frame: the latest of each mover")
                .containsExactly(new MoveBatcher.Move("b", 5, 5), new MoveBatcher.Move("a", 3, 0));
        assertThat(b.offer(new MoveBatcher.Move("a", 4, 0), 1)).as("tick 1 had its frame").isEmpty();
        assertThat(b.flush(2)).containsExactly(new MoveBatcher.Move("a", 4, 0));
        assertThat(b.flush(3)).isEmpty();
        assertThat(b.offer(new MoveBatcher.Move("a", 5, 0), 3)).as("a quiet tick: at once again").hasSize(1);
        assertThat(b.offer(new MoveBatcher.Move("a", 6, 0), 3)).isEmpty();
        b.forget("a");
        assertThat(b.pendingCount()).isZero();
    }

    @Test
    void cellsHoldEverythingWithinTheirSizeAroundATile() {
        Cells<String> c = new Cells<>(3);
        c.add("a", 0, 0);
        c.add("b", 5, 5);
        c.add("far", 9, 0);
        assertThat(c.around(3, 3)).as("a and b within 3 of (3, 3)").containsExactlyInAnyOrder("a", "b");
        assertThat(c.around(11, 1)).containsExactly("far"); // (5, 5) is 6 away: not there
        c.move("b", 5, 5, 6, 5); // into the next cell
        assertThat(c.around(2, 2)).containsExactly("a");
        assertThat(c.around(9, 5)).containsExactlyInAnyOrder("b", "far");
        c.remove("far", 9, 0);
        assertThat(c.around(9, 5)).containsExactly("b");
        for (int x = 0; x < 30; x++) // everything within the size is a neighbour; nothing 2·size or further
            assertThat(c.neighbours(10, 0, x, 0)).as("x " + x).isEqualTo(x >= 6 && x <= 14);
        assertThat(c.neighbours(-1, 0, 1, 0)).as("negative tiles have their own cell").isTrue();
    }

    @Test
    void idListsInTheSeedsForm() {
        assertThat(SpacesRoutes.idList("[a,b]")).containsExactly("a", "b");
        assertThat(SpacesRoutes.idList("[\"a\", \"b\"]")).containsExactly("a", "b");
        assertThat(SpacesRoutes.idList("a")).containsExactly("a");
        assertThat(SpacesRoutes.idList("[]")).isEmpty();
    }
}
