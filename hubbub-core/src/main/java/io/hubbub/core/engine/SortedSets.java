package io.hubbub.core.engine;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * Named sorted sets shared by every node (Redis sorted sets on the Redis engine): members with a
 * {@code double} score, read by rank. For server code that keeps live rankings whose durable record is
 * elsewhere (a feature's database tables), so they have no TTL and no limits of their own: the caller
 * bounds the number of sets and members, and deletes what it no longer needs.
 *
 * <p><b>Order</b> (ranks, ranges): higher score first; equal scores by member, descending, comparing
 * the members' UTF-8 bytes (Redis's {@code ZREVRANGE} order). Rank 0 is the first. A caller that
 * needs another tie order encodes it into the member (e.g. a prefix that sorts as wanted).
 *
 * <p>Atomicity: each call is atomic on its own, also between nodes. Threading: any thread; futures may
 * complete on engine threads.
 */
public interface SortedSets {

    /** A member and its score. */
    record Member(String member, double score) {}

    /**
     * Sets {@code member}'s score, and removes {@code replaces} in the same step (null, or equal to
     * {@code member}: nothing removed) — so a reader never sees both or neither when a caller moves
     * one logical entry to a new member name.
     */
    CompletableFuture<Void> put(String set, String member, double score, String replaces);

    /** Adds {@code by} to a member's score (a new member starts at 0); completes with the new score. */
    CompletableFuture<Double> increment(String set, String member, double by);

    /** Removes a member; completes with whether it was there. */
    CompletableFuture<Boolean> remove(String set, String member);

    /** A member's rank (0 = first), or empty when it is not in the set. */
    CompletableFuture<OptionalLong> rank(String set, String member);

    /** Up to {@code count} members from rank {@code from} on, in order (empty past the end). */
    CompletableFuture<List<Member>> range(String set, long from, int count);

    /** The number of members (0 for a set that does not exist). */
    CompletableFuture<Long> size(String set);

    /** Replaces the whole set by {@code members} in one step (empty: the set is deleted). */
    CompletableFuture<Void> replaceAll(String set, Map<String, Double> members);

    /** Deletes the set. */
    CompletableFuture<Void> delete(String set);
}
