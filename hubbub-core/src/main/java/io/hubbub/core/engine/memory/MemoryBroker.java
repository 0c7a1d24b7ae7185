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
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
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
 * <p><b>Byte bounds.</b> Each entry is charged its {@linkplain #estimateBytes estimated JSON size}. A stream
 * keeps at most {@link PublishOptions#historyMaxBytes} bytes (oldest entries trimmed first). All streams
 * together keep at most {@code maxTotalBytes} (0 = unbounded): a publish that takes the node total over it
 * trims, after releasing its channel's lock, the oldest entries of the <em>largest</em> streams down to a
 * common level until the total is at 90% of the bound (the 10% slack makes this scan of all streams rare:
 * at most once per tenth of the bound published). Only one thread trims at a time and it holds one channel
 * lock at a time, so no lock order problem arises. Trimming keeps the epoch and only raises
 * {@code earliest}: a reader behind it is told it cannot recover, never given a partial replay.
 *
 * <p><b>Idempotency.</b> A recorded publish with {@link PublishOptions#idempotencyKey} remembers
 * {@code key → offset} in its stream for as long as that entry is kept; a repeat publishes nothing and
 * answers the original position.
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
    private final long maxTotalBytes;
    private final AtomicLong totalBytes = new AtomicLong();
    /** Held (tryLock) by the one thread trimming the node total; others skip. */
    private final ReentrantLock evicting = new ReentrantLock();
    private volatile BrokerHandler handler;
    private volatile boolean closed;

    public MemoryBroker() {
        this(DEFAULT_STREAM_TTL);
    }

    /** @param defaultStreamTtl how long an idle stream lives when created by a read or published with streamTtl 0 */
    public MemoryBroker(Duration defaultStreamTtl) {
        this(defaultStreamTtl, 0);
    }

    /**
     * @param defaultStreamTtl how long an idle stream lives when created by a read or published with streamTtl 0
     * @param maxTotalBytes    bound of all history on this node in estimated bytes; 0 = unbounded
     */
    public MemoryBroker(Duration defaultStreamTtl, long maxTotalBytes) {
        if (maxTotalBytes < 0) throw new IllegalArgumentException("maxTotalBytes must be >= 0");
        this.maxTotalBytes = maxTotalBytes;
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
        String key = record ? options.idempotencyKey() : null;
        long size = record ? estimateBytes(publication) + (key == null ? 0 : key.length()) : 0;
        StreamPosition position;
        ReentrantLock lock = lockFor(channel);
        lock.lock();
        try {
            long now = System.nanoTime();
            long time = System.currentTimeMillis();
            Publication out;
            if (record) {
                Stream s = stream(channel, now);
                s.trimAge(now);
                Long earlier = key == null ? null : s.keys.get(key);
                if (earlier != null) return CompletableFuture.completedFuture(new StreamPosition(earlier, s.epoch));
                s.top++;
                out = publication.withPosition(s.top, s.epoch, time);
                s.configure(options, defaultStreamTtlNanos);
                s.lastPublish = now;
                s.add(new Entry(out, now, size, key));
                s.trim(now, options.historySize(), options.historyMaxBytes());
                position = new StreamPosition(s.top, s.epoch);
            } else {
                out = publication.withPosition(0, time);
                position = new StreamPosition(0, "");
            }
            deliver(channel, out);
        } finally {
            lock.unlock();
        }
        if (maxTotalBytes > 0 && totalBytes.get() > maxTotalBytes) trimTotal();
        return CompletableFuture.completedFuture(position);
    }

    /**
     * Brings the node total down to 90% of {@code maxTotalBytes}: computes the level L such that trimming
     * every stream larger than L down to L frees the excess, then trims those streams' oldest entries, one
     * channel lock at a time. Skipped if another thread is already trimming.
     */
    private void trimTotal() {
        if (!evicting.tryLock()) return;
        try {
            long excess = totalBytes.get() - maxTotalBytes / 10 * 9;
            if (excess <= 0) return;
            record Size(String channel, long bytes) {}
            List<Size> sizes = new ArrayList<>(streams.size());
            streams.forEach((c, s) -> sizes.add(new Size(c, s.bytes)));
            sizes.sort(Comparator.comparingLong(Size::bytes).reversed());
            long level = 0, sum = 0;
            for (int k = 0; k < sizes.size(); k++) {
                sum += sizes.get(k).bytes();
                long next = k + 1 < sizes.size() ? sizes.get(k + 1).bytes() : 0;
                long candidate = (sum - excess) / (k + 1);
                if (candidate >= next) {
                    level = Math.max(0, candidate);
                    break;
                }
            }
            for (Size sz : sizes) {
                if (sz.bytes() <= level) break;
                ReentrantLock lock = lockFor(sz.channel());
                lock.lock();
                try {
                    Stream s = streams.get(sz.channel());
                    if (s != null) s.trimBytes(level);
                } finally {
                    lock.unlock();
                }
            }
        } finally {
            evicting.unlock();
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
            Stream s = streams.remove(channel);
            if (s != null) s.release();
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
                    s.release();
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

    /** Estimated bytes of all history on this node (for tests and metrics). */
    public long totalBytes() {
        return totalBytes.get();
    }

    /**
     * The bytes an entry is charged: about its compact JSON size (strings and field names by length,
     * numbers and literals by a small constant). An estimate, cheaper than encoding; the heap held is
     * larger by the object overhead, which is why the total bound is set as a fraction of the heap.
     */
    public static long estimateBytes(Publication p) {
        return 16 + p.event().length() + (p.excludeSession() == null ? 0 : p.excludeSession().length()) + jsonBytes(p.data());
    }

    private static long jsonBytes(com.fasterxml.jackson.databind.JsonNode n) {
        if (n == null) return 4;
        if (n.isTextual()) return 2 + n.textValue().length();
        if (n.isContainerNode()) {
            long sum = 2;
            if (n.isObject()) {
                for (var it = n.properties().iterator(); it.hasNext(); ) {
                    var e = it.next();
                    sum += 4 + e.getKey().length() + jsonBytes(e.getValue());
                }
            } else {
                for (var v : n) sum += 1 + jsonBytes(v);
            }
            return sum;
        }
        if (n.isBinary()) return 2 + n.asText().length();
        return 8;
    }

    /** Stops accepting work and drops all history: a new broker starts every channel in a new epoch. */
    @Override
    public void close() {
        closed = true;
        subscribed.clear();
        streams.clear();
        totalBytes.set(0);
    }

    /** Caller holds the channel's lock. */
    private Stream stream(String channel, long now) {
        Stream s = streams.get(channel);
        if (s != null && s.expired(now)) {
            streams.remove(channel, s);
            s.release();
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

    /** @param bytes what the entry is charged; @param key its idempotency key or null */
    private record Entry(Publication publication, long at, long bytes, String key) {}

    /** One channel's stream; guarded by the channel's lock stripe. Charges its bytes to the node total. */
    private final class Stream {
        final String epoch;
        final ArrayDeque<Entry> entries = new ArrayDeque<>();
        /** Idempotency key → offset, exactly for the entries kept (bounded by the history size). */
        final HashMap<String, Long> keys = new HashMap<>();
        long bytes;
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

        void add(Entry e) {
            entries.addLast(e);
            bytes += e.bytes();
            totalBytes.addAndGet(e.bytes());
            if (e.key() != null) keys.put(e.key(), e.publication().offset());
        }

        private void dropOldest() {
            Entry e = entries.pollFirst();
            bytes -= e.bytes();
            totalBytes.addAndGet(-e.bytes());
            if (e.key() != null) keys.remove(e.key(), e.publication().offset());
        }

        /** Gives back this (removed) stream's bytes to the node total. */
        void release() {
            totalBytes.addAndGet(-bytes);
            bytes = 0;
        }

        void trim(long now, int historySize, long maxBytes) {
            while (entries.size() > historySize) dropOldest();
            if (maxBytes > 0) trimBytes(maxBytes);
            trimAge(now);
        }

        void trimBytes(long maxBytes) {
            while (!entries.isEmpty() && bytes > maxBytes) dropOldest();
        }

        void trimAge(long now) {
            if (historyTtlNanos <= 0) return;
            while (!entries.isEmpty() && now - entries.peekFirst().at() >= historyTtlNanos) dropOldest();
        }

        private static long positiveNanos(Duration d) {
            return d == null || d.isNegative() ? 0 : d.toNanos();
        }
    }
}
