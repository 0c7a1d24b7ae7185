package io.hubbub.redis;

import io.hubbub.core.engine.Broker;
import io.hubbub.core.engine.BrokerHandler;
import io.hubbub.core.engine.HistoryQuery;
import io.hubbub.core.engine.HistoryResult;
import io.hubbub.core.engine.Publication;
import io.hubbub.core.engine.PublishOptions;
import io.hubbub.core.engine.StreamPosition;
import io.hubbub.core.protocol.HubbubException;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Broker on Redis: history in a Stream per channel, epoch and top offset in a hash beside it, and
 * delivery by (sharded) pub/sub. See publish.lua for the atomic publish (trimming by count, bytes of
 * bodies and age; idempotency keys checked in the same script, so the dedupe is cluster-wide) and
 * {@link PublicationCodec} for the wire format.
 *
 * <p><b>Delivery guarantee.</b> Publications reach the handler in offset order per channel, one call at
 * a time per channel: Redis sends one channel's messages over one connection in the order the publish
 * script ran, and {@link SerialDelivery} pins each channel to one delivery thread. Different channels
 * may be delivered concurrently on different threads. Publications made while this node's pub/sub
 * connection is down are not delivered to it (receivers see the offset gap and recover from history);
 * subscriptions are restored after a reconnect ({@link #resubscribeAll()}).
 *
 * <p>Futures complete on Lettuce threads; failures are {@code HubbubException}s, {@code unavailable}
 * when Redis cannot be reached.
 */
public final class RedisBroker implements Broker {
    private static final Logger log = LoggerFactory.getLogger(RedisBroker.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final LuaScript PUBLISH = LuaScript.load("publish");
    private static final LuaScript HISTORY = LuaScript.load("history");

    private final RedisClusterAsyncCommands<String, String> redis;
    private final PubSubOps pubsub;
    private final RedisKeys keys;
    private final PublicationCodec codec;
    private final SerialDelivery delivery;
    private final Duration idleMetaTtl;
    /** Redis pub/sub channel name -> Hubbub channel, for every channel this node is subscribed to. */
    private final ConcurrentMap<String, String> subscribed = new ConcurrentHashMap<>();
    private volatile BrokerHandler handler;
    private volatile boolean closed;

    RedisBroker(RedisClusterAsyncCommands<String, String> redis, PubSubOps pubsub, RedisKeys keys,
                PublicationCodec codec, SerialDelivery delivery, Duration idleMetaTtl) {
        this.redis = redis;
        this.pubsub = pubsub;
        this.keys = keys;
        this.codec = codec;
        this.delivery = delivery;
        this.idleMetaTtl = idleMetaTtl;
    }

    @Override
    public void setHandler(BrokerHandler handler) {
        this.handler = handler;
    }

    @Override
    public CompletableFuture<StreamPosition> publish(String channel, Publication publication, PublishOptions options) {
        if (closed) return CompletableFuture.failedFuture(HubbubException.unavailable("broker closed"));
        String body;
        try {
            body = codec.body(publication);
        } catch (IllegalArgumentException e) {
            return CompletableFuture.failedFuture(HubbubException.badRequest("publication cannot be encoded"));
        }
        String redisChannel = keys.pubsub(channel);
        if (!options.recorded() || publication.ephemeral()) {
            String frame = PublicationCodec.unrecordedFrame(System.currentTimeMillis(), body);
            var sent = pubsub.sharded() ? redis.spublish(redisChannel, frame) : redis.publish(redisChannel, frame);
            return sent.toCompletableFuture()
                    .<StreamPosition>thenApply(n -> new StreamPosition(0, ""))
                    .exceptionally(e -> { throw RedisFailures.map(e); });
        }
        String[] k = {keys.history(channel), keys.meta(channel), keys.dedupe(channel)};
        String key = options.idempotencyKey() == null ? "" : options.idempotencyKey();
        return PUBLISH.run(redis, k, redisChannel, body, Integer.toString(options.historySize()),
                        Long.toString(millis(options.historyTtl())), Long.toString(millis(options.streamTtl())),
                        newEpoch(), pubsub.sharded() ? "SPUBLISH" : "PUBLISH", Long.toString(options.historyMaxBytes()), key)
                .thenApply(r -> new StreamPosition(LuaScript.asLong(r.get(0)), (String) r.get(1)));
    }

    @Override
    public CompletableFuture<Void> subscribe(String channel) {
        if (closed) return CompletableFuture.failedFuture(HubbubException.unavailable("broker closed"));
        String name = keys.pubsub(channel);
        if (subscribed.putIfAbsent(name, channel) != null) return CompletableFuture.completedFuture(null);
        return pubsub.subscribe(name).exceptionally(e -> {
            subscribed.remove(name, channel);
            throw RedisFailures.map(e);
        });
    }

    @Override
    public CompletableFuture<Void> unsubscribe(String channel) {
        String name = keys.pubsub(channel);
        if (subscribed.remove(name) == null) return CompletableFuture.completedFuture(null);
        // Locally unsubscribed at once (messages still in flight are dropped by onMessage); if Redis is
        // down the server-side subscription dies with the connection anyway.
        return pubsub.unsubscribe(name).exceptionally(e -> null);
    }

    /** Hubbub channels this node is subscribed to. */
    public Set<String> subscriptions() {
        return Set.copyOf(subscribed.values());
    }

    /** Called from the pub/sub listener (a Lettuce thread): hands the publication to the channel's lane. */
    void onMessage(String redisChannel, String frame) {
        String channel = subscribed.get(redisChannel);
        BrokerHandler h = handler;
        if (channel == null || h == null) return;
        Publication p;
        try {
            p = codec.fromFrame(frame);
        } catch (RuntimeException e) {
            log.error("undecodable publication on {}", channel, e);
            return;
        }
        delivery.execute(channel, () -> {
            if (subscribed.containsKey(redisChannel)) h.onPublication(channel, p);
        });
    }

    /**
     * Re-issues SUBSCRIBE/SSUBSCRIBE for every subscribed channel (idempotent on Redis). Called after a
     * reconnect; completes exceptionally if any channel could not be subscribed.
     */
    CompletableFuture<Void> resubscribeAll() {
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (String name : subscribed.keySet()) all.add(pubsub.subscribe(name));
        return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new));
    }

    @Override
    public CompletableFuture<HistoryResult> history(String channel, HistoryQuery query) {
        String[] k = {keys.history(channel), keys.meta(channel), keys.dedupe(channel)};
        StreamPosition since = query.since();
        String limit = Integer.toString(Math.max(0, query.limit()));
        CompletableFuture<List<Object>> r = since != null
                ? HISTORY.run(redis, k, newEpoch(), Long.toString(idleMetaTtl.toMillis()), query.reverse() ? "before" : "since",
                        since.epoch() == null ? "" : since.epoch(), Long.toString(since.offset()), limit)
                : HISTORY.run(redis, k, newEpoch(), Long.toString(idleMetaTtl.toMillis()), "latest", "", "0", limit);
        return r.thenApply(res -> {
            String epoch = (String) res.get(0);
            long top = LuaScript.asLong(res.get(1));
            long earliest = LuaScript.asLong(res.get(2));
            List<Object> flat = LuaScript.asList(res.get(3));
            List<Publication> pubs = new ArrayList<>(flat.size() / 2);
            for (int i = 0; i + 1 < flat.size(); i += 2) {
                pubs.add(codec.fromEntry(epoch, (String) flat.get(i), (String) flat.get(i + 1)));
            }
            // 'latest' comes newest first from Redis; 'since' ascending and 'before' newest first as asked.
            if (since == null && !query.reverse()) Collections.reverse(pubs);
            return new HistoryResult(List.copyOf(pubs), new StreamPosition(top, epoch), earliest);
        });
    }

    @Override
    public CompletableFuture<Void> removeHistory(String channel) {
        return redis.del(keys.history(channel), keys.meta(channel), keys.dedupe(channel)).toCompletableFuture()
                .<Void>thenApply(n -> null)
                .exceptionally(e -> { throw RedisFailures.map(e); });
    }

    /**
     * Stops this broker: later publishes and subscribes fail with {@code unavailable} and nothing more
     * is delivered. The connections belong to the {@link RedisEngine} and close with it.
     */
    @Override
    public void close() {
        closed = true;
        handler = null;
        for (String name : subscribed.keySet()) {
            if (subscribed.remove(name) != null) pubsub.unsubscribe(name).exceptionally(e -> null);
        }
    }

    private static long millis(Duration d) {
        return d == null ? 0 : Math.max(0, d.toMillis());
    }

    private static String newEpoch() {
        byte[] b = new byte[6];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
