package io.hubbub.core.cluster;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RendezvousTest {
    private static final int ROOMS = 20_000;

    private static Map<String, String> assign(List<String> nodes) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < ROOMS; i++) out.put("room-" + i, Rendezvous.owner("room-" + i, nodes).orElseThrow());
        return out;
    }

    @Test
    void sameOwnerWhateverTheOrderOfNodes() {
        List<String> a = List.of("node-a", "node-b", "node-c");
        List<String> b = List.of("node-c", "node-a", "node-b");
        assertEquals(assign(a), assign(b));
    }

    @Test
    void roomsAreSpreadEvenly() {
        Map<String, Integer> count = new HashMap<>();
        assign(List.of("n1", "n2", "n3", "n4")).values().forEach(n -> count.merge(n, 1, Integer::sum));
        assertEquals(4, count.size());
        for (int c : count.values()) assertTrue(Math.abs(c - ROOMS / 4) < ROOMS / 4 * 0.1, "uneven spread " + count);
    }

    @Test
    void addingANodeMovesOnlyRoomsToThatNode() {
        List<String> three = List.of("n1", "n2", "n3");
        List<String> four = new ArrayList<>(three);
        four.add("n4");
        Map<String, String> before = assign(three);
        Map<String, String> after = assign(four);
        int moved = 0;
        for (var e : before.entrySet()) {
            String now = after.get(e.getKey());
            if (!now.equals(e.getValue())) {
                moved++;
                assertEquals("n4", now, "a room moved between old nodes: " + e.getKey());
            }
        }
        // about a quarter of the rooms move to the new node, none between old ones
        assertTrue(moved > ROOMS / 4 * 0.9 && moved < ROOMS / 4 * 1.1, "moved " + moved);
    }

    @Test
    void removingANodeMovesOnlyItsRooms() {
        Map<String, String> before = assign(List.of("n1", "n2", "n3"));
        Map<String, String> after = assign(List.of("n1", "n3"));
        int moved = 0;
        for (var e : before.entrySet()) {
            if (e.getValue().equals("n2")) {
                moved++;
                assertTrue(!after.get(e.getKey()).equals("n2"));
            } else {
                assertEquals(e.getValue(), after.get(e.getKey()), "a room of a surviving node moved: " + e.getKey());
            }
        }
        assertTrue(moved > 0);
    }

    @Test
    void noNodesNoOwner() {
        assertTrue(Rendezvous.owner("room", List.of()).isEmpty());
    }

    @Test
    void weightDependsOnBothParts() {
        assertTrue(Rendezvous.weight("ab", "c") != Rendezvous.weight("a", "bc"));
        assertTrue(Rendezvous.weight("n1", "r") != Rendezvous.weight("n2", "r"));
    }
}
