package io.hubbub.redis;

import io.hubbub.core.engine.BrokerHandler;
import io.hubbub.core.engine.Publication;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** A broker handler that records deliveries per channel and checks they never run concurrently. */
final class Collector implements BrokerHandler {
    record Delivery(String channel, Publication publication) {}

    private final LinkedBlockingQueue<Delivery> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger inside = new AtomicInteger();
    volatile boolean overlapped;

    @Override
    public void onPublication(String channel, Publication publication) {
        if (inside.incrementAndGet() > 1) overlapped = true;
        queue.add(new Delivery(channel, publication));
        inside.decrementAndGet();
    }

    Delivery next(long millis) throws InterruptedException {
        return queue.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** Takes exactly n deliveries or fails. */
    List<Delivery> take(int n, long millis) throws InterruptedException {
        List<Delivery> out = new ArrayList<>();
        long deadline = System.currentTimeMillis() + millis;
        while (out.size() < n) {
            Delivery d = queue.poll(Math.max(1, deadline - System.currentTimeMillis()), TimeUnit.MILLISECONDS);
            if (d == null) throw new AssertionError("got " + out.size() + " of " + n + " publications");
            out.add(d);
        }
        return out;
    }

    List<Delivery> drain() {
        List<Delivery> out = new ArrayList<>();
        queue.drainTo(out);
        return out;
    }
}
