package io.hubbub.bench.load;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

import java.util.concurrent.atomic.LongAdder;

/**
 * Counters and the latency recorder shared by every connection of one run. Written from the
 * generator's event loops concurrently (Recorder and LongAdder are safe for that); read by the
 * scenario thread. Latency is in microseconds, from the send timestamp in the payload to the read.
 */
public final class Stats {
    private final Recorder latency = new Recorder(60_000_000L, 3);
    private Histogram total = new Histogram(60_000_000L, 3);
    public final LongAdder sent = new LongAdder();
    public final LongAdder received = new LongAdder();
    /** Messages that arrived with a sequence number at or below the last seen one from the same source. */
    public final LongAdder reordered = new LongAdder();
    public final LongAdder disconnects = new LongAdder();
    public final LongAdder errors = new LongAdder();
    private volatile boolean recording = true;
    /** Connect latency (µs): the WebSocket upgrade request sent → the session ready (welcome / CONNECT ack / OPEN). */
    private final Recorder connectLatency = new Recorder(60_000_000L, 3);

    void record(long micros) {
        if (recording) latency.recordValue(Math.max(0, Math.min(micros, 60_000_000L)));
    }

    void recordConnect(long micros) {
        connectLatency.recordValue(Math.max(0, Math.min(micros, 60_000_000L)));
    }

    /** The connect latencies recorded since the last call. */
    public synchronized Histogram connectInterval() {
        return connectLatency.getIntervalHistogram();
    }

    public void recording(boolean on) {
        recording = on;
    }

    /** Moves what was recorded since the last call into the run's total and returns that interval. */
    public synchronized Histogram interval() {
        Histogram h = latency.getIntervalHistogram();
        total.add(h);
        return h;
    }

    /** Everything recorded so far (including the current interval). */
    public synchronized Histogram total() {
        interval();
        return total.copy();
    }

    /** Drops what was recorded so far (warm-up). */
    public synchronized void reset() {
        latency.reset();
        total = new Histogram(60_000_000L, 3);
    }
}
