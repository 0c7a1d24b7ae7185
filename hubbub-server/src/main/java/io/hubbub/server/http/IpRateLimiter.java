package io.hubbub.server.http;

import io.hubbub.core.limit.TokenBucket;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per client IP for expensive or abusable HTTP routes (sign-in and sign-up run Argon2:
 * without a limit they are a password-guessing and CPU-exhaustion target). Bounded: buckets that are
 * full again are dropped by {@link #sweep}, and beyond {@code maxTracked} addresses new ones share one
 * overflow bucket rather than growing the map.
 */
public final class IpRateLimiter {
    private final double perSecond;
    private final int burst;
    private final int maxTracked;
    private final ConcurrentHashMap<String, TokenBucket> buckets = new ConcurrentHashMap<>();
    private final TokenBucket overflow;

    public IpRateLimiter(double perSecond, int burst, int maxTracked) {
        this.perSecond = perSecond;
        this.burst = burst;
        this.maxTracked = maxTracked;
        this.overflow = new TokenBucket(perSecond * 10, burst * 10);
    }

    /** @throws HubbubException rate_limited when the address is over its rate */
    public void check(String ip) {
        TokenBucket b = buckets.get(ip);
        if (b == null) b = buckets.size() >= maxTracked ? overflow : buckets.computeIfAbsent(ip, k -> new TokenBucket(perSecond, burst));
        if (!b.tryAcquire()) throw new HubbubException(ErrorCode.RATE_LIMITED, "too many attempts; slow down");
    }

    public void sweep() {
        buckets.values().removeIf(b -> b.available() >= b.burst());
    }

    int tracked() {
        return buckets.size();
    }
}
