package io.hubbub.server.transport;

import java.util.concurrent.atomic.LongAdder;

/** Counters the transports keep for /stats and /metrics; cheap, contention-free. */
public final class TransportStats {
    private final LongAdder framesIn = new LongAdder();
    private final LongAdder framesOut = new LongAdder();
    private final LongAdder dropped = new LongAdder();
    private final LongAdder slowConsumers = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private volatile ConnectionLimiter limiter;
    private volatile DescriptorReserve descriptors = DescriptorReserve.none();

    /** Binds the live counts (/stats, /metrics): admitted connections of every transport, descriptors. */
    public void bind(ConnectionLimiter limiter, DescriptorReserve descriptors) {
        this.limiter = limiter;
        this.descriptors = descriptors;
    }

    /** Admitted connections of every transport (native WebSocket, Engine.IO polling and WebSocket sessions). */
    public int connections() {
        ConnectionLimiter l = limiter;
        return l == null ? 0 : l.connections();
    }

    public DescriptorReserve descriptors() {
        return descriptors;
    }

    public void received() {
        framesIn.increment();
    }

    public void sent(int n) {
        framesOut.add(n);
    }

    public void dropped() {
        dropped.increment();
    }

    public void slowConsumer() {
        slowConsumers.increment();
    }

    public void refused() {
        refused.increment();
    }

    public long framesIn() {
        return framesIn.sum();
    }

    public long framesOut() {
        return framesOut.sum();
    }

    public long droppedFrames() {
        return dropped.sum();
    }

    public long slowConsumerCloses() {
        return slowConsumers.sum();
    }

    public long refusedConnections() {
        return refused.sum();
    }
}
