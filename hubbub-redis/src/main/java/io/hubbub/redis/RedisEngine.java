package io.hubbub.redis;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hubbub.core.engine.Engine;
import io.hubbub.core.engine.RoomStateStore;
import io.hubbub.core.protocol.HubbubException;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.cluster.models.partitions.RedisClusterNode;
import io.lettuce.core.cluster.pubsub.RedisClusterPubSubAdapter;
import io.lettuce.core.cluster.pubsub.StatefulRedisClusterPubSubConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Redis engine ({@code engine: redis}): every engine part on one Redis or a Redis Cluster, through
 * two Lettuce connections per node: one for commands and scripts, one for pub/sub.
 *
 * <p><b>Failures.</b> Commands are rejected at once while a connection is down (no buffering), so
 * publishing fails with {@code unavailable} instead of waiting or dropping silently; {@link #connected()}
 * turns false. Lettuce reconnects with jittered backoff (100 ms .. 2 s); after every reconnect the
 * broker re-issues the subscription of every channel this node is subscribed to.
 */
public final class RedisEngine implements Engine {
    private static final Logger log = LoggerFactory.getLogger(RedisEngine.class);

    private final RedisEngineConfig config;
    private final ClientResources resources;
    private final AbstractRedisClient client;
    private final StatefulConnection<String, String> commandConnection;
    private final StatefulConnection<String, String> pubsubConnection;
    private final RedisClusterAsyncCommands<String, String> redis;
    private final SerialDelivery delivery;
    private final RedisBroker broker;
    private final RedisPresenceManager presence;
    private final RedisNodeRegistry nodes;
    private final RedisSessionStore sessions;
    private final RedisRoomDirectory rooms;
    private final RedisRoomStateStore roomState;
    private final RedisLeases leases;
    private final RedisSortedSets sortedSets;
    private final ScheduledExecutorService maintenance;
    private final AtomicBoolean closed = new AtomicBoolean();

    private final RedisKeys keys;

    private RedisEngine(RedisEngineConfig config, RoomStateStore.Limits stateLimits) {
        this.config = config;
        this.resources = ClientResources.builder()
                .ioThreadPoolSize(2).computationThreadPoolSize(2)
                .reconnectDelay(Delay.fullJitter(Duration.ofMillis(100), Duration.ofSeconds(2), 100, TimeUnit.MILLISECONDS))
                .build();
        this.maintenance = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hubbub-redis-resubscribe");
            t.setDaemon(true);
            return t;
        });
        ObjectMapper json = new ObjectMapper();
        RedisKeys keys = new RedisKeys(config.prefix());
        this.keys = keys;
        PublicationCodec codec = new PublicationCodec(json);
        this.delivery = new SerialDelivery("hubbub-redis-delivery", config.deliveryThreads(), config.deliveryQueue());
        SocketOptions socket = SocketOptions.builder().connectTimeout(config.connectTimeout()).keepAlive(true).build();
        TimeoutOptions timeouts = TimeoutOptions.enabled(config.commandTimeout());
        RedisBroker[] brokerRef = new RedisBroker[1];
        PubSubOps ops;
        try {
            if (config.cluster()) {
                List<RedisURI> seeds = config.uris().stream().map(this::uri).toList();
                RedisClusterClient c = RedisClusterClient.create(resources, seeds);
                c.setOptions(ClusterClientOptions.builder()
                        .autoReconnect(true)
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                        .socketOptions(socket).timeoutOptions(timeouts)
                        .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                                .enablePeriodicRefresh(Duration.ofSeconds(10))
                                .enableAllAdaptiveRefreshTriggers().build())
                        .build());
                this.client = c;
                StatefulRedisClusterConnection<String, String> cmd = c.connect(StringCodec.UTF8);
                StatefulRedisClusterPubSubConnection<String, String> ps = c.connectPubSub(StringCodec.UTF8);
                ps.addListener(new RedisClusterPubSubAdapter<>() {
                    @Override
                    public void smessage(RedisClusterNode node, String channel, String message) {
                        brokerRef[0].onMessage(channel, message);
                    }
                });
                ops = new PubSubOps() {
                    public CompletableFuture<Void> subscribe(String ch) { return ps.async().ssubscribe(ch).toCompletableFuture(); }
                    public CompletableFuture<Void> unsubscribe(String ch) { return ps.async().sunsubscribe(ch).toCompletableFuture(); }
                    public boolean sharded() { return true; }
                };
                this.commandConnection = cmd;
                this.pubsubConnection = ps;
                this.redis = cmd.async();
            } else {
                RedisClient c = RedisClient.create(resources, uri(config.uris().getFirst()));
                c.setOptions(ClientOptions.builder()
                        .autoReconnect(true)
                        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                        .socketOptions(socket).timeoutOptions(timeouts)
                        .build());
                this.client = c;
                StatefulRedisConnection<String, String> cmd = c.connect(StringCodec.UTF8);
                StatefulRedisPubSubConnection<String, String> ps = c.connectPubSub(StringCodec.UTF8);
                ps.addListener(new RedisPubSubAdapter<>() {
                    @Override
                    public void message(String channel, String message) {
                        brokerRef[0].onMessage(channel, message);
                    }
                });
                ops = new PubSubOps() {
                    public CompletableFuture<Void> subscribe(String ch) { return ps.async().subscribe(ch).toCompletableFuture(); }
                    public CompletableFuture<Void> unsubscribe(String ch) { return ps.async().unsubscribe(ch).toCompletableFuture(); }
                    public boolean sharded() { return false; }
                };
                this.commandConnection = cmd;
                this.pubsubConnection = ps;
                this.redis = cmd.async();
            }
        } catch (RuntimeException e) {
            shutdownResources();
            throw new HubbubException(io.hubbub.core.protocol.ErrorCode.UNAVAILABLE, "cannot connect to redis: " + e.getMessage());
        }
        this.broker = new RedisBroker(redis, ops, keys, codec, delivery, config.idleMetaTtl());
        brokerRef[0] = broker;
        this.presence = new RedisPresenceManager(redis, keys, json, config.nodeId(), config.presenceTtl(), config.presenceSweepInterval());
        this.nodes = new RedisNodeRegistry(redis, keys, json);
        this.sessions = new RedisSessionStore(redis, keys, json);
        this.rooms = new RedisRoomDirectory(redis, keys, json);
        this.roomState = new RedisRoomStateStore(redis, keys, stateLimits);
        this.leases = new RedisLeases(redis, config.prefix());
        this.sortedSets = new RedisSortedSets(redis, config.prefix());
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> connection, SocketAddress address) {
                scheduleResubscribe(0);
            }
        });
    }

    /** Connects to Redis; fails with {@code unavailable} if it cannot be reached. */
    public static RedisEngine start(RedisEngineConfig config) {
        return new RedisEngine(config, RoomStateStore.Limits.DEFAULTS);
    }

    /** As {@link #start(RedisEngineConfig)}, with other bounds for each room's state. */
    public static RedisEngine start(RedisEngineConfig config, RoomStateStore.Limits stateLimits) {
        return new RedisEngine(config, stateLimits);
    }

    /** Another view of the room state with other limits, on this engine's connection (for tests). */
    RedisRoomStateStore roomState(RoomStateStore.Limits limits) {
        return new RedisRoomStateStore(redis, keys, limits);
    }

    private RedisURI uri(String s) {
        RedisURI u = RedisURI.create(s);
        u.setTimeout(config.commandTimeout());
        return u;
    }

    /**
     * Lettuce restores subscriptions itself on reconnect; this repeats them explicitly (idempotent) so
     * sharded subscriptions and subscriptions made while the connection was flapping are never lost.
     * Runs shortly after the connect event, when the connection accepts commands, retrying with backoff.
     */
    private void scheduleResubscribe(int attempt) {
        if (closed.get() || attempt > 20) return;
        long delay = Math.min(2_000, 200L << Math.min(attempt, 4));
        try {
            maintenance.schedule(() -> broker.resubscribeAll().whenComplete((r, e) -> {
                if (e != null) {
                    log.debug("resubscribe attempt {} failed: {}", attempt, e.toString());
                    scheduleResubscribe(attempt + 1);
                }
            }), delay, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // closing
        }
    }

    @Override
    public String name() {
        return "redis";
    }

    @Override
    public RedisBroker broker() {
        return broker;
    }

    @Override
    public RedisPresenceManager presence() {
        return presence;
    }

    @Override
    public RedisNodeRegistry nodes() {
        return nodes;
    }

    @Override
    public RedisSessionStore sessions() {
        return sessions;
    }

    @Override
    public RedisRoomDirectory rooms() {
        return rooms;
    }

    @Override
    public RedisRoomStateStore roomState() {
        return roomState;
    }

    @Override
    public RedisLeases leases() {
        return leases;
    }

    @Override
    public RedisSortedSets sortedSets() {
        return sortedSets;
    }

    public RedisEngineConfig config() {
        return config;
    }

    /** True while both connections (commands, pub/sub) are up; false while Redis is unreachable. */
    public boolean connected() {
        return !closed.get() && commandConnection.isOpen() && pubsubConnection.isOpen();
    }

    /** Publications dropped because a delivery queue was full (should stay 0). */
    public long droppedDeliveries() {
        return delivery.dropped();
    }

    @Override
    public CompletableFuture<Void> ping() {
        return redis.ping().toCompletableFuture().<Void>thenApply(r -> null)
                .exceptionally(e -> { throw RedisFailures.map(e); });
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) return;
        maintenance.shutdownNow();
        broker.close();
        presence.close();
        try {
            pubsubConnection.close();
            commandConnection.close();
        } catch (RuntimeException e) {
            log.debug("closing redis connections: {}", e.toString());
        }
        delivery.close();
        shutdownResources();
    }

    private void shutdownResources() {
        if (client != null) client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
        maintenance.shutdownNow();
    }
}
