package io.hubbub.server.transport;

import io.netty.channel.EventLoop;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * One periodic task per event loop that ticks every connection of that loop (heartbeats, handing back
 * an idle connection's outbound queue), instead of a timer, a timer task and an idle handler per
 * connection: a held idle connection then costs one array slot here.
 *
 * <p>Contract: members are added, removed and ticked on their loop only, so no locking; a member
 * must {@link #remove} itself when its channel goes (the array holds at most the loop's connections).
 * The task runs while the loop has members, every {@code period} (the smallest any member asked for),
 * so a member sees time at that granularity and measures its own deadlines with the {@code now} given.
 */
public final class LoopTicker implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(LoopTicker.class);
    private static final ConcurrentHashMap<EventLoop, LoopTicker> TICKERS = new ConcurrentHashMap<>();

    /** A connection on the ticker's loop. */
    public interface Member {
        /** Called on the loop every period; {@code now} is {@link System#nanoTime()} at the tick. */
        void tick(long now);

        /** Where the ticker keeps this member (-1: not a member); the member only stores it. */
        int tickerSlot();

        void tickerSlot(int slot);
    }

    private final EventLoop loop;
    private Member[] members = new Member[16];
    private int count;
    private long periodNanos = Long.MAX_VALUE;
    private boolean scheduled;

    private LoopTicker(EventLoop loop) {
        this.loop = loop;
    }

    /** The loop's ticker; forgotten when the loop terminates. */
    public static LoopTicker of(EventLoop loop) {
        LoopTicker t = TICKERS.get(loop);
        if (t != null) return t;
        return TICKERS.computeIfAbsent(loop, l -> {
            l.terminationFuture().addListener(f -> TICKERS.remove(l));
            return new LoopTicker(l);
        });
    }

    /** Adds a member ticked at least every {@code period}. Loop only. */
    public void add(Member m, long period, TimeUnit unit) {
        assert loop.inEventLoop();
        if (m.tickerSlot() >= 0) return;
        if (count == members.length) members = java.util.Arrays.copyOf(members, count * 2);
        m.tickerSlot(count);
        members[count++] = m;
        long p = Math.max(TimeUnit.MILLISECONDS.toNanos(1), unit.toNanos(period));
        if (p < periodNanos) periodNanos = p;
        if (!scheduled) {
            scheduled = true;
            loop.schedule(this, periodNanos, TimeUnit.NANOSECONDS);
        }
    }

    /** Removes a member (no-op if absent). Loop only. */
    public void remove(Member m) {
        assert loop.inEventLoop();
        int i = m.tickerSlot();
        if (i < 0 || i >= count || members[i] != m) return;
        m.tickerSlot(-1);
        Member last = members[--count];
        members[count] = null;
        if (i < count) {
            members[i] = last;
            last.tickerSlot(i);
        }
        if (count < members.length / 4 && members.length > 16) members = java.util.Arrays.copyOf(members, members.length / 2);
    }

    /** Members on this loop (tests and diagnostics). Loop only. */
    int size() {
        return count;
    }

    @Override
    public void run() {
        long now = System.nanoTime();
        // a member may remove itself while ticked: walking down, swap-removal only moves ticked members
        for (int i = count - 1; i >= 0; i--) {
            if (i >= count) continue;
            try {
                members[i].tick(now);
            } catch (RuntimeException e) {
                log.warn("a connection's tick failed", e);
            }
        }
        if (count == 0 || loop.isShuttingDown()) { // a loop that is shutting down refuses new tasks
            scheduled = false;
            periodNanos = Long.MAX_VALUE;
        } else {
            loop.schedule(this, periodNanos, TimeUnit.NANOSECONDS);
        }
    }
}
