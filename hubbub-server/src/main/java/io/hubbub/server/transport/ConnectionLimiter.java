package io.hubbub.server.transport;

import io.hubbub.core.limit.TokenBucket;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Admission of every connection — native WebSocket upgrade and Engine.IO handshake (polling or
 * WebSocket) alike, each holding its slot for its lifetime: the global connection cap, connections per
 * IP, connection attempts per IP per second, and the file-descriptor reserve ({@link DescriptorReserve}).
 * Per-IP state is dropped when an IP has no connections and its bucket is full again, so the maps stay
 * bounded by the number of active IPs.
 */
public final class ConnectionLimiter {
    private final int maxConnections;
    private final int maxPerIp;
    private final double attemptsPerSecond;
    private final DescriptorReserve descriptors;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<String, AtomicInteger> perIp = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, TokenBucket> attempts = new ConcurrentHashMap<>();
    private volatile boolean perIpSuspended;

    public ConnectionLimiter(int maxConnections, int maxPerIp, double attemptsPerSecond) {
        this(maxConnections, maxPerIp, attemptsPerSecond, DescriptorReserve.none());
    }

    /** With a descriptor reserve: no new connection when fewer than the reserve's descriptors are left. */
    public ConnectionLimiter(int maxConnections, int maxPerIp, double attemptsPerSecond, DescriptorReserve descriptors) {
        this.descriptors = descriptors;
        this.maxConnections = maxConnections;
        this.maxPerIp = maxPerIp;
        this.attemptsPerSecond = attemptsPerSecond;
    }

    /** The limit name that was hit (for metrics) travels in the exception message prefix. */
    public static final class Refused extends HubbubException {
        private final String limit;

        Refused(ErrorCode code, String limit, String message) {
            super(code, message);
            this.limit = limit;
        }

        public String limit() {
            return limit;
        }
    }

    /** Reserves a connection slot or throws {@link Refused}. Pair with {@link #release}. */
    public void acquire(String ip) {
        boolean perIpLimits = !perIpSuspended;
        TokenBucket b = perIpLimits ? attempts.computeIfAbsent(ip, k -> new TokenBucket(attemptsPerSecond, (int) Math.max(1, attemptsPerSecond))) : null;
        if (b != null && !b.tryAcquire()) throw new Refused(ErrorCode.RATE_LIMITED, "connect_rate", "too many connection attempts from this address");
        if (descriptors.sessionsRefused()) {
            throw new Refused(ErrorCode.UNAVAILABLE, "descriptors", "server is out of file descriptors; retry later");
        }
        if (total.incrementAndGet() > maxConnections) {
            total.decrementAndGet();
            throw new Refused(ErrorCode.UNAVAILABLE, "connections", "server is at its connection limit");
        }
        AtomicInteger n = perIp.computeIfAbsent(ip, k -> new AtomicInteger());
        if (n.incrementAndGet() > maxPerIp && perIpLimits) {
            n.decrementAndGet();
            total.decrementAndGet();
            throw new Refused(ErrorCode.LIMIT_EXCEEDED, "per_ip", "too many connections from this address");
        }
    }

    public void release(String ip) {
        total.decrementAndGet();
        AtomicInteger n = perIp.get(ip);
        if (n != null && n.decrementAndGet() <= 0) {
            perIp.remove(ip, n);
            TokenBucket b = attempts.get(ip);
            if (b != null && b.available() >= b.burst()) attempts.remove(ip, b);
        }
    }

    /**
     * Suspends the per-IP limits (attempts per second, connections per IP) for the node's own warm-up,
     * which runs before the public port is bound, so no other client can connect meanwhile; the global
     * cap and the descriptor reserve still apply.
     */
    public void suspendPerIpLimits(boolean suspended) {
        this.perIpSuspended = suspended;
    }

    public int connections() {
        return total.get();
    }

    /** Drops rate buckets of IPs without connections (called periodically). */
    public void sweep() {
        attempts.entrySet().removeIf(e -> !perIp.containsKey(e.getKey()) && e.getValue().available() >= e.getValue().burst());
    }
}
