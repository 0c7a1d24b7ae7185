package io.hubbub.server.ops;

import java.util.function.LongSupplier;

/** Per-second rates of monotonically increasing counters, sampled once a second by a timer thread. */
public final class Rates implements Runnable {
    private final LongSupplier in;
    private final LongSupplier out;
    private long lastIn, lastOut, lastAt = System.nanoTime();
    private volatile double inPerSec, outPerSec;

    public Rates(LongSupplier in, LongSupplier out) {
        this.in = in;
        this.out = out;
        this.lastIn = in.getAsLong();
        this.lastOut = out.getAsLong();
    }

    @Override
    public synchronized void run() {
        long now = System.nanoTime();
        long i = in.getAsLong(), o = out.getAsLong();
        double secs = Math.max(1e-3, (now - lastAt) / 1e9);
        inPerSec = (i - lastIn) / secs;
        outPerSec = (o - lastOut) / secs;
        lastIn = i;
        lastOut = o;
        lastAt = now;
    }

    public double inPerSecond() {
        return inPerSec;
    }

    public double outPerSecond() {
        return outPerSec;
    }
}
