package io.hubbub.core.room;

import io.hubbub.core.auth.Principal;
import io.hubbub.core.limit.TokenBucket;
import io.hubbub.core.telemetry.Telemetry;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;

import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-user caps on room creation: a rate (rooms created per user per minute, a token bucket per user
 * on this node) and a count (open persistent rooms per user, counted in the database, so cluster-wide).
 * Without them one user created hundreds of rooms a second, and persistent ones stay in the database
 * and the public list and are reloaded at every start. Admins, API keys (service principals) and
 * server code (no principal) are exempt. A refusal counts in {@code hubbub_limit_hits_total}
 * ({@code room_creates}, {@code persistent_rooms}).
 *
 * <p>Bounded: at most {@link #MAX_TRACKED} users have their own bucket (beyond that new users share
 * one overflow bucket rather than growing the map); full buckets are dropped by {@link #sweep}.
 * Thread-safe.
 */
public final class RoomCreationLimits {
    static final int MAX_TRACKED = 100_000;

    private final int perMinute;
    private final int persistentPerUser;
    private final ConcurrentHashMap<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final TokenBucket overflow;

    /**
     * @param perMinute         rooms one user may create per minute (also the burst); 0 turns the rate off
     * @param persistentPerUser open persistent rooms one user may have created; 0 turns the cap off
     */
    public RoomCreationLimits(int perMinute, int persistentPerUser) {
        if (perMinute < 0 || persistentPerUser < 0) throw new IllegalArgumentException("limits must not be negative");
        this.perMinute = perMinute;
        this.persistentPerUser = persistentPerUser;
        this.overflow = new TokenBucket(Math.max(1, perMinute) * 10 / 60.0, Math.max(1, perMinute) * 10);
    }

    /** No limits (embedders and tests that build a node without a configuration). */
    public static RoomCreationLimits none() {
        return new RoomCreationLimits(0, 0);
    }

    static boolean exempt(Principal p) {
        return p == null || p.role().isPrivileged();
    }

    /** @throws HubbubException {@code rate_limited} when the creator is over its per-minute rate */
    void checkRate(Principal creator, Telemetry telemetry) {
        if (perMinute == 0 || exempt(creator)) return;
        String user = creator.userId();
        TokenBucket b = buckets.get(user);
        if (b == null) {
            b = buckets.size() >= MAX_TRACKED ? overflow
                    : buckets.computeIfAbsent(user, k -> new TokenBucket(perMinute / 60.0, perMinute));
        }
        if (!b.tryAcquire()) {
            telemetry.limitHit("room_creates");
            throw new HubbubException(ErrorCode.RATE_LIMITED,
                    "too many rooms created; at most " + perMinute + " per minute");
        }
    }

    /** The cap on open persistent rooms for this creator, or 0 when none applies. */
    int persistentCap(Principal creator) {
        return persistentPerUser == 0 || exempt(creator) ? 0 : persistentPerUser;
    }

    HubbubException persistentRefused(Telemetry telemetry) {
        telemetry.limitHit("persistent_rooms");
        return new HubbubException(ErrorCode.LIMIT_EXCEEDED,
                "too many persistent rooms; at most " + persistentPerUser + " per user (close one first)");
    }

    /** Drops the buckets that are full again (users who stopped creating rooms). */
    public void sweep() {
        buckets.values().removeIf(b -> b.available() >= b.burst());
    }
}
