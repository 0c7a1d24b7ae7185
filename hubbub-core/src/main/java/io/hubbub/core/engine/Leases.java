package io.hubbub.core.engine;

import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * Named leases shared by every node of a cluster: at most one owner holds a lease at a time, until
 * it releases it or lets it expire. Each grant carries a <b>fencing token</b> that is strictly larger
 * than every token granted for that name before (also across owners and engine restarts that keep the
 * data), so a store written by lease holders can refuse a write carrying an older token (a paused
 * former holder that does not know it lost the lease).
 *
 * <p>Contract: {@link #acquire} by the current owner renews and keeps its token; a renewal with a token
 * that is no longer current fails (the lease expired and was granted again). Each call is atomic,
 * also between nodes. Threading: any thread; futures may complete on engine threads.
 */
public interface Leases {

    /**
     * Takes the lease {@code name} for {@code owner} for {@code ttl}, or renews it when {@code owner}
     * already holds it. Completes with the fencing token, or empty when another owner holds it.
     */
    CompletableFuture<OptionalLong> acquire(String name, String owner, Duration ttl);

    /** Extends the lease if {@code owner} still holds it with {@code token}; completes with whether it did. */
    CompletableFuture<Boolean> renew(String name, String owner, long token, Duration ttl);

    /** Gives the lease up if {@code owner} holds it with {@code token} (no-op otherwise). */
    CompletableFuture<Void> release(String name, String owner, long token);
}
