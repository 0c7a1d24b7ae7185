package io.hubbub.core.engine.memory;

import io.hubbub.core.engine.RoomStateStore;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The single-node {@link RoomStateStore}: one object per room holding its hash and sorted sets, guarded
 * by its own monitor (so each call is atomic). Rank queries sort the set (sets are bounded by
 * {@link Limits#maxSetMembers}). Rooms whose TTL passed are invisible at once and removed by {@link #sweep}.
 *
 * <p>Threading: any thread; futures are complete on return.
 */
public final class MemoryRoomStateStore implements RoomStateStore {
    private static final Comparator<Score> ORDER = Comparator.comparingDouble(Score::score).reversed()
            .thenComparing(Score::member, Comparator.reverseOrder());

    private static final class State {
        final Map<String, String> hash = new LinkedHashMap<>();
        final Map<String, Map<String, Double>> sets = new HashMap<>();
        long expiresAt;

        boolean expired(long now) {
            return now - expiresAt >= 0;
        }
    }

    private final Limits limits;
    private final ConcurrentHashMap<String, State> rooms = new ConcurrentHashMap<>();

    public MemoryRoomStateStore() {
        this(Limits.DEFAULTS);
    }

    public MemoryRoomStateStore(Limits limits) {
        this.limits = limits;
    }

    @Override
    public Limits limits() {
        return limits;
    }

    private void checkKey(String what, String k) {
        if (k == null || k.isEmpty()) throw HubbubException.badRequest(what + " must not be empty");
        if (k.length() > limits.maxKeyLength()) {
            throw new HubbubException(ErrorCode.TOO_LARGE, what + " is over " + limits.maxKeyLength() + " characters");
        }
    }

    /** The live state of a room (null if none), for reads. */
    private State read(String roomId) {
        State s = rooms.get(roomId);
        return s == null || s.expired(System.nanoTime()) ? null : s;
    }

    /** The state of a room for a write, created or reset when expired; the caller locks it. */
    private State write(String roomId) {
        return rooms.compute(roomId, (k, cur) -> cur == null || cur.expired(System.nanoTime()) ? new State() : cur);
    }

    private void touched(State s) {
        s.expiresAt = System.nanoTime() + limits.ttl().toNanos();
    }

    private static <T> CompletableFuture<T> done(T v) {
        return CompletableFuture.completedFuture(v);
    }

    @Override
    public CompletableFuture<Optional<String>> get(String roomId, String key) {
        State s = read(roomId);
        if (s == null) return done(Optional.empty());
        synchronized (s) {
            return done(Optional.ofNullable(s.hash.get(key)));
        }
    }

    @Override
    public CompletableFuture<Map<String, String>> entries(String roomId) {
        State s = read(roomId);
        if (s == null) return done(Map.of());
        synchronized (s) {
            return done(new LinkedHashMap<>(s.hash));
        }
    }

    @Override
    public CompletableFuture<Void> put(String roomId, String key, String value) {
        try {
            checkKey("key", key);
            if (value == null) throw HubbubException.badRequest("value must not be null");
            if (value.length() > limits.maxValueLength()) {
                throw new HubbubException(ErrorCode.TOO_LARGE, "value is over " + limits.maxValueLength() + " characters");
            }
            while (true) {
                State s = write(roomId);
                synchronized (s) {
                    if (rooms.get(roomId) != s) continue; // swept or cleared meanwhile
                    if (!s.hash.containsKey(key) && s.hash.size() >= limits.maxKeys()) {
                        throw new HubbubException(ErrorCode.LIMIT_EXCEEDED, "room state is full (" + limits.maxKeys() + " keys)");
                    }
                    s.hash.put(key, value);
                    touched(s);
                    return done(null);
                }
            }
        } catch (HubbubException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public CompletableFuture<Boolean> delete(String roomId, String key) {
        State s = read(roomId);
        if (s == null) return done(false);
        synchronized (s) {
            return done(s.hash.remove(key) != null);
        }
    }

    @Override
    public CompletableFuture<Double> incrementScore(String roomId, String set, String member, double by) {
        try {
            checkKey("set", set);
            checkKey("member", member);
            if (!Double.isFinite(by)) throw HubbubException.badRequest("increment must be a finite number");
            while (true) {
                State s = write(roomId);
                synchronized (s) {
                    if (rooms.get(roomId) != s) continue;
                    Map<String, Double> z = s.sets.get(set);
                    if (z == null) {
                        if (s.sets.size() >= limits.maxSets()) {
                            throw new HubbubException(ErrorCode.LIMIT_EXCEEDED, "at most " + limits.maxSets() + " sorted sets per room");
                        }
                        z = new HashMap<>();
                        s.sets.put(set, z);
                    }
                    if (!z.containsKey(member) && z.size() >= limits.maxSetMembers()) {
                        throw new HubbubException(ErrorCode.LIMIT_EXCEEDED, "sorted set is full (" + limits.maxSetMembers() + " members)");
                    }
                    double next = z.merge(member, by, Double::sum);
                    touched(s);
                    return done(next);
                }
            }
        } catch (HubbubException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private static List<Score> ranked(Map<String, Double> z) {
        List<Score> all = new ArrayList<>(z.size());
        z.forEach((m, sc) -> all.add(new Score(m, sc, 0)));
        all.sort(ORDER);
        List<Score> out = new ArrayList<>(all.size());
        for (int i = 0; i < all.size(); i++) out.add(new Score(all.get(i).member(), all.get(i).score(), i));
        return out;
    }

    @Override
    public CompletableFuture<List<Score>> top(String roomId, String set, int n) {
        if (n < 1) return CompletableFuture.failedFuture(HubbubException.badRequest("n must be >= 1"));
        State s = read(roomId);
        if (s == null) return done(List.of());
        synchronized (s) {
            Map<String, Double> z = s.sets.get(set);
            if (z == null) return done(List.of());
            List<Score> r = ranked(z);
            return done(List.copyOf(r.subList(0, Math.min(n, r.size()))));
        }
    }

    @Override
    public CompletableFuture<Optional<Score>> rank(String roomId, String set, String member) {
        State s = read(roomId);
        if (s == null) return done(Optional.empty());
        synchronized (s) {
            Map<String, Double> z = s.sets.get(set);
            if (z == null || !z.containsKey(member)) return done(Optional.empty());
            return done(ranked(z).stream().filter(x -> x.member().equals(member)).findFirst());
        }
    }

    @Override
    public CompletableFuture<Void> clear(String roomId) {
        rooms.remove(roomId);
        return done(null);
    }

    /** Removes rooms whose state expired; returns how many. */
    public int sweep() {
        long now = System.nanoTime();
        int n = 0;
        for (Map.Entry<String, State> e : rooms.entrySet()) {
            State s = e.getValue();
            boolean expired;
            synchronized (s) {
                expired = s.expired(now);
            }
            if (expired && rooms.remove(e.getKey(), s)) n++;
        }
        return n;
    }
}
