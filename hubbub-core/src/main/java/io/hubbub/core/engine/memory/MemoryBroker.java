package io.hubbub.core.engine.memory;

import io.hubbub.core.engine.Broker;
import io.hubbub.core.engine.BrokerHandler;
import io.hubbub.core.engine.HistoryQuery;
import io.hubbub.core.engine.HistoryResult;
import io.hubbub.core.engine.Publication;
import io.hubbub.core.engine.PublishOptions;
import io.hubbub.core.engine.StreamPosition;
import io.hubbub.core.protocol.HubbubException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single-node {@link Broker}: per-channel streams with history kept in this process.
 *
 * <p><b>Streams.</b> A channel's stream is created by its first recorded publication or its first
 * {@link #history} read, with a new random epoch. Recorded publications get offsets 1, 2, 3… in that
 * epoch. History keeps at most {@link PublishOptions#historySize} entries (a ring buffer) and drops
 * entries older than {@link PublishOptions#historyTtl} ({@code 0} = no age limit). A stream with no
 * recorded publication for {@code streamTtl} (at least {@code historyTtl}; the configured default when
 * {@code 0}) is dropped, and the next access starts a new epoch. Expired streams are removed lazily on
 * access and by {@link #sweep}, which {@link MemoryEngine} runs periodically, so nothing grows without bound.
 * A non-recorded publication (ephemeral, or {@code historySize == 0}) gets offset 0, an empty epoch,
 * and touches no stream.
 *
 * <p><b>Threading and delivery order.</b> All methods may be called from any thread concurrently.
 * Each channel is guarded by one of a fixed set of lock stripes. {@link #publish} assigns the offset,
 * records the publication and delivers it to the handler synchronously, on the publishing thread,
 * while holding the channel's lock; so for one channel the handler is never called concurrently and
 * sees publications in offset order, and when the returned future completes the handler has already
 * run. The handler must therefore be quick and non-blocking (hand off to per-session queues) and must
 * not call this broker from {@code onPublication}. A handler exception is logged and does not fail the
 * publication. {@link #subscribe}/{@link #unsubscribe} take the same lock, so no delivery for a channel
 * happens after its unsubscribe completed. All futures are complete on return.
 */
public final class MemoryBroker implements Broker {
    private static final Logger log = LoggerFactory.getLogger(MemoryBroker.class);
    /** Lock stripes: bounded memory for locks regardless of the number of channels. */
    private static final int STRIPES = 256;
    public static final Duration DEFAULT_STREAM_TTL = Duration.ofHours(24);

    private final ReentrantLock[] locks = new ReentrantLock[STRIPES];
    private final ConcurrentHashMap<String, Stream> streams = new ConcurrentHashMap<>();
    private final Set<String> subscribed = ConcurrentHashMap.newKeySet();
    private final long defaultStreamTtlNanos;
    private volatile BrokerHandler handler;
    private volatile boolean closed;

    public MemoryBroker() {
        this(DEFAULT_STREAM_TTL);
    }

    /** @param defaultStreamTtl how long an idle stream lives when created by a read or published with streamTtl 0 */
    public MemoryBroker(Duration defaultStreamTtl) {
        if (defaultStreamTtl == null || defaultStreamTtl.isNegative() || defaultStreamTtl.isZero()) {
            throw new IllegalArgumentException("defaultStreamTtl must be positive");
        }
        this.defaultStreamTtlNanos = defaultStreamTtl.toNanos();
        for (int i = 0; i < STRIPES; i++) locks[i] = new ReentrantLock();
    }

    @Override
    public void setHandler(BrokerHandler handler) {
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    @Override
    public CompletableFuture<StreamPosition> publish(String channel, Publication publication, PublishOptions options) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(publication, "publication");
        Objects.requireNonNull(options, "options");
        if (closed) return CompletableFuture.failedFuture(HubbubException.unavailable("broker is closed"));
        boolean record = options.recorded() && !publication.ephemeral();
        ReentrantLock lock = lockFor(channel);
        lock.lock();
        try {
            long now = System.nanoTime();
            long time = System.currentTimeMillis();
            Publication out;
            StreamPosition position;
            if (record) {
                Stream s = stream(channel, now);
                s.top++;
                out = publication.withPosition(s.top, s.epoch, time);
                s.configure(options, defaultStreamTtlNanos);
                s.lastPublish = now;
                s.entries.addLast(new Entry(out, now));
                s.trim(now, options.historySize());
                position = new StreamPosition(s.top, s.epoch);
            } else {
                out = publication.withPosition(0, time);
                position = new StreamPosition(0, "");
            }
            deliver(channel, out);
            return CompletableFuture.completedFuture(position);
        } finally {
            lock.unlock();
        }
    }

    private void deliver(String channel, Publication publication) {
        BrokerHandler h = handler;
        if (h == null || !subscribed.contains(channel)) return;
        try {
            h.onPublication(channel, publication);
        } catch (RuntimeException e) {
            log.warn("broker handler failed for channel {}", channel, e);
        }
    }

    @Override
    public CompletableFuture<Void> subscribe(String channel) {
        Objects.requireNonNull(channel, "channel");
        if (closed) return CompletableFuture.failedFuture(HubbubException.unavailable("broker is closed"));
        if (handler == null) return CompletableFuture.failedFuture(new IllegalStateException("setHandler before subscribing"));
        ReentrantLock lock = lockFor(channel);
        lock.lock();
        try {
            subscribed.add(channel);
        } finally {
            lock.unlock();
        }
        return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletableFuture<Void> unsubscribe(String channel) {
        Objects.requireNonNull(channel, "channel");
        ReentrantLock lock = lockFor(channel);
        lock.lock();
        try {
            subscribed.remove(channel);
        } finally {
            lock.unlock();
        }
        return CompletableFuture.completedFuture(null);
    }

    /**
     * Reads history. Creates the stream (and its epoch) if the channel has none, so a position read
     * before the first publication stays valid for recovering that publication.
     */
    @Override
    public CompletableFuture<HistoryResult> history(String channel, HistoryQuery query) {
        Objects.requireNonNull(channel, "channel");
        Objects.requireNonNull(query, "query");
        if (closed) return CompletableFuture.failedFuture(HubbubException.unavailable("broker is closed"));
        ReentrantLock lock = lockFor(channel);
        lock.lock();
        try {
            long now = System.nanoTime();
            Stream s = stream(channel, now);
            s.trimAge(now);
            long earliest = s.entries.isEmpty() ? s.top + 1 : s.entries.peekFirst().publication().offset();
            return CompletableFuture.completedFuture(
                    new HistoryResult(select(s, query), new StreamPosition(s.top, s.epoch), earliest));
        } finally {
            lock.unlock();
        }
    }

    private static List<Publication> select(Stream s, HistoryQuery q) {
        int max = q.limit() <= 0 ? Integer.MAX_VALUE : q.limit();
        List<Publication> out = new ArrayList<>(Math.min(s.entries.size(), max));
        if (q.since() == null) {
            Iterator<Entry> it = s.entries.descendingIterator();
            while (it.hasNext() && out.size() < max) out.add(it.next().publication());
            if (!q.reverse()) Collections.reverse(out);
            return List.copyOf(out);
        }
        if (!s.epoch.equals(q.since().epoch())) return List.of();
        long since = q.since().offset();
        if (!q.reverse()) {
            for (Entry e : s.entries) {
                if (out.size() >= max) break;
                if (e.publication().offset() > since) out.add(e.publication());
            }
        } else {
            Iterator<Entry> it = s.entries.descendingIterator();
            while (it.hasNext() && out.size() < max) {
                Publication p = it.next().publication();
                if (p.offset() < since) out.add(p);
            }
        }
        return List.copyOf(out);
    }

    @Override
    public CompletableFuture<Void> removeHistory(String channel) {
        Objects.requireNonNull(channel, "channel");
        if (closed) return CompletableFuture.failedFuture(HubbubException.unavailable("broker is closed"));
        ReentrantLock lock = lockFor(channel);
        lock.lock();
        try {
            streams.remove(channel);
        } finally {
            lock.unlock();
        }
        return CompletableFuture.completedFuture(null);
    }

    /** Drops expired streams and trims aged entries; returns the number of streams dropped. */
    public int sweep() {
        int dropped = 0;
        for (String channel : streams.keySet()) {
            ReentrantLock lock = lockFor(channel);
            lock.lock();
            try {
                long now = System.nanoTime();
                Stream s = streams.get(channel);
                if (s == null) continue;
                if (s.expired(now)) {
                    streams.remove(channel, s);
                    dropped++;
                } else {
                    s.trimAge(now);
                }
            } finally {
                lock.unlock();
            }
        }
        return dropped;
    }

    /** Number of live or not yet swept streams (for tests and metrics). */
    public int streamCount() {
        return streams.size();
    }

    /** Stops accepting work and drops all history: a new broker starts every channel in a new epoch. */
    @Override
    public void close() {
        closed = true;
        subscribed.clear();
        streams.clear();
    }

    /** Caller holds the channel's lock. */
    private Stream stream(String channel, long now) {
        Stream s = streams.get(channel);
        if (s != null && s.expired(now)) {
            streams.remove(channel, s);
            s = null;
        }
        if (s == null) {
            s = new Stream(newEpoch(), now, defaultStreamTtlNanos);
            streams.put(channel, s);
        }
        return s;
    }

    private ReentrantLock lockFor(String channel) {
        int h = channel.hashCode();
        return locks[(h ^ (h >>> 16)) & (STRIPES - 1)];
    }

    private static String newEpoch() {
        return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong());
    }

    private record Entry(Publication publication, long at) {}

    /** One channel's stream; guarded by the channel's lock stripe. */
    private static final class Stream {
        final String epoch;
        final ArrayDeque<Entry> entries = new ArrayDeque<>();
        long top;
        long lastPublish;
        long historyTtlNanos;
        long streamTtlNanos;

        Stream(String epoch, long now, long streamTtlNanos) {
            this.epoch = epoch;
            this.lastPublish = now;
            this.streamTtlNanos = streamTtlNanos;
        }

        void configure(PublishOptions o, long defaultStreamTtlNanos) {
            historyTtlNanos = positiveNanos(o.historyTtl());
            long streamTtl = positiveNanos(o.streamTtl());
            streamTtlNanos = Math.max(streamTtl == 0 ? defaultStreamTtlNanos : streamTtl, historyTtlNanos);
        }

        boolean expired(long now) {
            return now - lastPublish >= streamTtlNanos;
        }

        void trim(long now, int historySize) {
            while (entries.size() > historySize) entries.pollFirst();
            trimAge(now);
        }

        void trimAge(long now) {
            if (historyTtlNanos <= 0) return;
            while (!entries.isEmpty() && now - entries.peekFirst().at() >= historyTtlNanos) entries.pollFirst();
        }

        private static long positiveNanos(Duration d) {
            return d == null || d.isNegative() ? 0 : d.toNanos();
        }
    }
}
