package io.hubbub.core.cluster;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Optional;

/**
 * Rendezvous (highest-random-weight) hashing: a room is owned by the node with the highest
 * {@link #weight(String, String)} among the live nodes. Every node computes the same owner from the same
 * node list without coordination, and adding or removing a node moves only the rooms whose highest
 * weight is (or was) that node's. Pure and thread-safe.
 */
public final class Rendezvous {
    private Rendezvous() {}

    /** The owner of {@code key} among {@code nodes} (ties broken by the smaller node id); empty if no nodes. */
    public static Optional<String> owner(String key, Collection<String> nodes) {
        String best = null;
        long bestWeight = 0;
        for (String n : nodes) {
            long w = weight(n, key);
            if (best == null || Long.compareUnsigned(w, bestWeight) > 0
                    || (w == bestWeight && n.compareTo(best) < 0)) {
                best = n;
                bestWeight = w;
            }
        }
        return Optional.ofNullable(best);
    }

    /** A well-mixed 64-bit weight of the pair (FNV-1a over node, separator and key, then a SplitMix64 finaliser). */
    public static long weight(String node, String key) {
        long h = 0xcbf29ce484222325L;
        h = fnv(h, node.getBytes(StandardCharsets.UTF_8));
        h = (h ^ 0xff) * 0x100000001b3L; // separator that cannot appear in UTF-8 text
        h = fnv(h, key.getBytes(StandardCharsets.UTF_8));
        h ^= h >>> 30;
        h *= 0xbf58476d1ce4e5b9L;
        h ^= h >>> 27;
        h *= 0x94d049bb133111ebL;
        h ^= h >>> 31;
        return h;
    }

    private static long fnv(long h, byte[] bytes) {
        for (byte b : bytes) {
            h ^= (b & 0xff);
            h *= 0x100000001b3L;
        }
        return h;
    }
}
