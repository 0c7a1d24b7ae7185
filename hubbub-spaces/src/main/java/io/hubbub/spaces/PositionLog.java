package io.hubbub.spaces;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.protocol.Json;

import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;

/**
 * The accepted positions of one {@link LiveSpace} to persist: each member's last accepted position,
 * kept after its connection drops (a reconnect, or the next owner after a fail-over, spawns it
 * there) and forgotten when it leaves. Stored in {@link #BUCKETS} buckets ({@code pos:<n>} in the
 * room's state); each tick writes only the buckets changed since the last. Guarded by the space's lock.
 */
final class PositionLog {
    static final int BUCKETS = 64;

    private final Map<String, int[]> last = new HashMap<>(); // members and those who dropped
    private final BitSet dirty = new BitSet(BUCKETS);

    /** A position loaded from the state (already stored: nothing to write). */
    void restore(String userId, int[] p) {
        last.put(userId, p);
    }

    /** The last accepted position of {@code userId}, or null. */
    int[] last(String userId) {
        return last.get(userId);
    }

    void remember(LiveSpace.Member m) {
        last.put(m.userId, m.at); // the member's own array: no copy per move
        dirty.set(bucket(m.userId));
    }

    void forget(String userId) {
        last.remove(userId);
        dirty.set(bucket(userId));
    }

    /** The buckets changed since the last call (bucket → {@code {userId: [x, y]}}, empty: delete it). */
    Map<Integer, ObjectNode> takeChanged() {
        if (dirty.isEmpty()) return Map.of();
        Map<Integer, ObjectNode> out = new HashMap<>();
        for (int b = dirty.nextSetBit(0); b >= 0; b = dirty.nextSetBit(b + 1)) out.put(b, Json.object());
        last.forEach((u, p) -> {
            ObjectNode o = out.get(bucket(u));
            if (o != null) o.putArray(u).add(p[0]).add(p[1]);
        });
        dirty.clear();
        return out;
    }

    static int bucket(String userId) {
        return Math.floorMod(userId.hashCode(), BUCKETS);
    }

    static String bucketKey(int bucket) {
        return "pos:" + bucket;
    }
}
