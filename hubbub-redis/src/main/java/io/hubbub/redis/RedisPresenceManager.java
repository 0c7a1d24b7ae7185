package io.hubbub.redis;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hubbub.core.engine.ClientInfo;
import io.hubbub.core.engine.PresenceChange;
import io.hubbub.core.engine.PresenceManager;
import io.lettuce.core.KeyValue;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster-wide presence on Redis. Per channel (one hash tag, so one cluster slot): a hash session id ->
 * entry JSON {@code {"node":..,"info":ClientInfo}}, a sorted set session id -> expiry time, and a hash
 * user id -> connection count. All changes run as Lua scripts, so de-duplication per user holds across
 * nodes. Times are Redis server time, so node clocks do not matter.
 *
 * <p><b>Expiry.</b> An entry lives {@code presenceTtl} after its node added or last {@link #refresh}ed
 * it. Expired entries are removed by {@link #presence} and by a sweep this manager runs every
 * {@code sweepInterval} over the channels where this node has members; each removal is reported once,
 * cluster-wide, to the {@link #onExpiry} listener of the node that removed it, with the users that left
 * (the caller publishes presence:leave for them). The listener runs on the sweeper thread or a Lettuce
 * thread and must not block.
 */
public final class RedisPresenceManager implements PresenceManager {
    private static final Logger log = LoggerFactory.getLogger(RedisPresenceManager.class);
    private static final LuaScript ADD = LuaScript.load("presence_add");
    private static final LuaScript REMOVE = LuaScript.load("presence_remove");
    private static final LuaScript UPDATE = LuaScript.load("presence_update");
    private static final LuaScript REFRESH = LuaScript.load("presence_refresh");
    private static final LuaScript SWEEP = LuaScript.load("presence_sweep");

    /** What one presence hash value holds. */
    record Entry(String node, ClientInfo info) {}

    private final RedisClusterAsyncCommands<String, String> redis;
    private final RedisKeys keys;
    private final ObjectMapper json;
    private final String nodeId;
    private final long ttlMillis;
    /** Channels where this node added or refreshed members: the ones its sweeper looks at. */
    private final Set<String> tracked = ConcurrentHashMap.newKeySet();
    private final ScheduledExecutorService sweeper;
    private volatile Consumer<PresenceExpiry> expiryListener = e -> {};

    RedisPresenceManager(RedisClusterAsyncCommands<String, String> redis, RedisKeys keys, ObjectMapper json,
                         String nodeId, Duration ttl, Duration sweepInterval) {
        this.redis = redis;
        this.keys = keys;
        this.json = json;
        this.nodeId = nodeId;
        this.ttlMillis = ttl.toMillis();
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hubbub-redis-presence-sweep");
            t.setDaemon(true);
            return t;
        });
        long every = Math.max(50, sweepInterval.toMillis());
        sweeper.scheduleWithFixedDelay(this::sweepTracked, every, every, TimeUnit.MILLISECONDS);
    }

    /** Sets the receiver of expired entries (see class comment). */
    public void onExpiry(Consumer<PresenceExpiry> listener) {
        this.expiryListener = listener == null ? e -> {} : listener;
    }

    public Duration ttl() {
        return Duration.ofMillis(ttlMillis);
    }

    private String[] channelKeys(String channel) {
        return new String[] {keys.presence(channel), keys.presenceExpiry(channel), keys.presenceUsers(channel)};
    }

    @Override
    public CompletableFuture<PresenceChange> add(String channel, ClientInfo info) {
        tracked.add(channel);
        return ADD.run(redis, channelKeys(channel), info.sessionId(), info.userId(), encode(info), Long.toString(ttlMillis))
                .thenApply(r -> new PresenceChange(LuaScript.asLong(r.get(0)) == 1, (int) LuaScript.asLong(r.get(1))));
    }

    @Override
    public CompletableFuture<PresenceChange> remove(String channel, String sessionId, String userId) {
        // The user id stored with the entry is authoritative; the argument only names the caller's view.
        return REMOVE.run(redis, channelKeys(channel), sessionId)
                .thenApply(r -> new PresenceChange(LuaScript.asLong(r.get(0)) == 1, (int) LuaScript.asLong(r.get(1))));
    }

    @Override
    public CompletableFuture<Void> update(String channel, ClientInfo info) {
        return UPDATE.run(redis, channelKeys(channel), info.sessionId(), encode(info)).thenApply(r -> null);
    }

    @Override
    public CompletableFuture<List<ClientInfo>> presence(String channel) {
        return sweep(channel, true).thenApply(values -> {
            List<ClientInfo> out = new ArrayList<>(values.size());
            for (Object v : values) out.add(decode((String) v).info());
            return out;
        });
    }

    @Override
    public CompletableFuture<Void> refresh(String channel, Collection<ClientInfo> local) {
        if (local.isEmpty()) {
            tracked.remove(channel);
            return CompletableFuture.completedFuture(null);
        }
        tracked.add(channel);
        String[] args = new String[local.size() + 1];
        args[0] = Long.toString(ttlMillis);
        int i = 1;
        for (ClientInfo c : local) args[i++] = c.sessionId();
        return REFRESH.run(redis, channelKeys(channel), args).thenCompose(r -> {
            long extended = r.isEmpty() ? local.size() : ((Number) r.getFirst()).longValue();
            if (extended >= local.size()) return CompletableFuture.completedFuture(null);
            // Some of this node's live connections are missing (Redis restarted or lost data): add them
            // back, so presence heals within one refresh interval instead of waiting for rejoins.
            // presence_add is idempotent for entries that still exist.
            CompletableFuture<?>[] adds = local.stream().map(c -> add(channel, c)).toArray(CompletableFuture[]::new);
            return CompletableFuture.allOf(adds);
        });
    }

    @Override
    public CompletableFuture<Void> setLastSeen(String userId, long epochMillis) {
        return redis.hset(keys.lastSeen(), userId, Long.toString(epochMillis)).toCompletableFuture()
                .<Void>thenApply(r -> null).exceptionally(e -> { throw RedisFailures.map(e); });
    }

    @Override
    public CompletableFuture<Map<String, Long>> lastSeen(Collection<String> userIds) {
        if (userIds.isEmpty()) return CompletableFuture.completedFuture(Map.of());
        return redis.hmget(keys.lastSeen(), userIds.toArray(String[]::new)).toCompletableFuture()
                .thenApply(list -> {
                    Map<String, Long> out = new HashMap<>();
                    for (KeyValue<String, String> kv : list) {
                        if (kv.hasValue()) out.put(kv.getKey(), Long.parseLong(kv.getValue()));
                    }
                    return Map.copyOf(out);
                })
                .exceptionally(e -> { throw RedisFailures.map(e); });
    }

    /** Removes expired entries of one channel now, reporting them to the listener; completes with the remaining entries if asked. */
    CompletableFuture<List<Object>> sweep(String channel, boolean values) {
        return SWEEP.run(redis, channelKeys(channel), values ? "1" : "0").thenApply(r -> {
            List<Object> removed = LuaScript.asList(r.get(0));
            if (!removed.isEmpty()) {
                List<ClientInfo> infos = new ArrayList<>();
                for (Object v : removed) infos.add(decode((String) v).info());
                List<String> left = new ArrayList<>();
                for (Object u : LuaScript.asList(r.get(1))) left.add((String) u);
                try {
                    expiryListener.accept(new PresenceExpiry(channel, List.copyOf(infos), List.copyOf(left)));
                } catch (RuntimeException e) {
                    log.error("presence expiry listener failed for {}", channel, e);
                }
            }
            return LuaScript.asList(r.get(2));
        });
    }

    private void sweepTracked() {
        for (String channel : tracked) {
            try {
                sweep(channel, false).get(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (Exception e) {
                log.debug("presence sweep of {} failed: {}", channel, e.toString());
            }
        }
    }

    private String encode(ClientInfo info) {
        try {
            return json.writeValueAsString(new Entry(nodeId, info));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("client info cannot be encoded", e);
        }
    }

    private Entry decode(String v) {
        try {
            return json.readValue(v, Entry.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("bad presence entry", e);
        }
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
