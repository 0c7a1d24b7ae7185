package io.hubbub.redis;

import java.util.concurrent.CompletableFuture;

/** The node's pub/sub connection: classic SUBSCRIBE on a single Redis, SSUBSCRIBE on a cluster. */
interface PubSubOps {
    /** Subscribes one Redis channel; completes when Redis confirmed it. */
    CompletableFuture<Void> subscribe(String redisChannel);

    CompletableFuture<Void> unsubscribe(String redisChannel);

    /** True for sharded pub/sub, where publishing must use SPUBLISH. */
    boolean sharded();
}
