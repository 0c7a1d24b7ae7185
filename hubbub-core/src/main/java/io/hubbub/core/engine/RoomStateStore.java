package io.hubbub.core.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A small state per room that outlives the node serving the room: a hash of string keys to string
 * values (the core stores JSON text), and named sorted sets of scores (rankings). Bounded by
 * {@link Limits}: a write that would exceed a limit fails with {@code HubbubException}
 * {@code limit_exceeded} (too many keys or members) or {@code too_large} (key or value too long) and
 * changes nothing. A room's state expires {@link Limits#ttl} after its last write and is removed with
 * {@link #clear} when the room ends.
 *
 * <p>Atomicity: each call is atomic on its own (a limit check and the write it guards are one step),
 * also between nodes. Threading: any thread; futures may complete on engine threads.
 */
public interface RoomStateStore extends AutoCloseable {

    /**
     * @param maxKeys        most keys in a room's hash
     * @param maxKeyLength   longest key or sorted-set name or member, in characters
     * @param maxValueLength longest value, in characters
     * @param maxSetMembers  most members in one sorted set
     * @param maxSets        most sorted sets per room
     * @param ttl            a room's state is dropped this long after its last write
     */
    record Limits(int maxKeys, int maxKeyLength, int maxValueLength, int maxSetMembers, int maxSets, Duration ttl) {
        public static final Limits DEFAULTS = new Limits(256, 128, 16_384, 10_000, 16, Duration.ofDays(1));

        public Limits {
            if (maxKeys < 1 || maxKeyLength < 1 || maxValueLength < 1 || maxSetMembers < 1 || maxSets < 1) {
                throw new IllegalArgumentException("limits must be >= 1");
            }
            if (ttl == null || ttl.toMillis() < 1) throw new IllegalArgumentException("ttl must be >= 1 ms");
        }
    }

    /** A member of a sorted set with its score and its rank (0 = highest score). */
    record Score(String member, double score, long rank) {}

    Limits limits();

    CompletableFuture<Optional<String>> get(String roomId, String key);

    /** The whole hash of a room (empty if none). */
    CompletableFuture<Map<String, String>> entries(String roomId);

    /** Sets a key; fails with {@code limit_exceeded} if it is new and the hash is full. */
    CompletableFuture<Void> put(String roomId, String key, String value);

    /** Deletes a key; completes with whether it existed. */
    CompletableFuture<Boolean> delete(String roomId, String key);

    /** Adds {@code by} to a member's score (a new member starts at 0); completes with the new score. */
    CompletableFuture<Double> incrementScore(String roomId, String set, String member, double by);

    /** The {@code n} highest scores, highest first (ties by member, descending). */
    CompletableFuture<List<Score>> top(String roomId, String set, int n);

    /** A member's score and rank (0 = highest), or empty if it has no score. */
    CompletableFuture<Optional<Score>> rank(String roomId, String set, String member);

    /** Removes all state of a room (hash and sorted sets). */
    CompletableFuture<Void> clear(String roomId);

    @Override
    default void close() {}
}
