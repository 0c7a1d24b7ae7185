package io.hubbub.client;

import com.fasterxml.jackson.databind.JsonNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Requests awaiting their answer, by id. Guarantees: ids are unique and increasing for the life of
 * the client (so a late answer can never be matched to a newer request); every registered future is
 * completed exactly once — by its answer, its timeout, {@link #failAll} or its own cancellation; at
 * most {@code maxInFlight} requests are pending. Futures are completed on the {@code completer}
 * executor, never on the caller's or the timer's thread. Thread-safe.
 */
final class RequestRegistry {

    /** One pending request: the request's type and payload are kept for the reply hooks (position tracking). */
    record Pending(long id, String type, JsonNode payload, CompletableFuture<JsonNode> future) {
    }

    private final int maxInFlight;
    private final ScheduledExecutorService timer;
    private final Executor completer;
    private final Map<Long, Pending> pending = new HashMap<>();
    private final Map<Long, ScheduledFuture<?>> timeouts = new HashMap<>();
    private long nextId = 1;

    RequestRegistry(int maxInFlight, ScheduledExecutorService timer, Executor completer) {
        if (maxInFlight <= 0) {
            throw new IllegalArgumentException("maxInFlight must be positive");
        }
        this.maxInFlight = maxInFlight;
        this.timer = timer;
        this.completer = completer;
    }

    /**
     * Registers a request with the next id; it fails with {@code timeout} unless answered within
     * {@code timeout}.
     *
     * @throws HubbubClientException {@code too_many_in_flight} when the limit is reached
     */
    Pending register(String type, JsonNode payload, Duration timeout) {
        Pending p;
        synchronized (this) {
            if (pending.size() >= maxInFlight) {
                throw new HubbubClientException(HubbubClientException.TOO_MANY_IN_FLIGHT,
                        maxInFlight + " requests are already awaiting an answer; wait for some to complete");
            }
            p = new Pending(nextId++, type, payload, new CompletableFuture<>());
            pending.put(p.id(), p);
            long id = p.id();
            timeouts.put(id, timer.schedule(() -> {
                Pending expired = take(id);
                if (expired != null) {
                    reject(expired, new HubbubClientException(HubbubClientException.TIMEOUT,
                            "no answer to " + expired.type() + " (id " + id + ") within " + timeout.toMillis() + " ms"));
                }
            }, timeout.toNanos(), TimeUnit.NANOSECONDS));
        }
        // A caller that cancels (or completes) the future itself frees its slot at once.
        p.future().whenComplete((r, e) -> {
            if (p.future().isCancelled()) {
                take(p.id());
            }
        });
        return p;
    }

    /** Removes and returns the pending request with this id (cancelling its timeout), or null if there is none. */
    Pending take(long id) {
        ScheduledFuture<?> t;
        Pending p;
        synchronized (this) {
            p = pending.remove(id);
            t = timeouts.remove(id);
        }
        if (t != null) {
            t.cancel(false);
        }
        return p;
    }

    void resolve(Pending p, JsonNode reply) {
        completer.execute(() -> p.future().complete(reply));
    }

    void reject(Pending p, HubbubClientException error) {
        completer.execute(() -> p.future().completeExceptionally(error));
    }

    /** Fails every pending request with a fresh exception from {@code error}; returns how many. */
    int failAll(Supplier<HubbubClientException> error) {
        List<Pending> all;
        List<ScheduledFuture<?>> ts;
        synchronized (this) {
            all = new ArrayList<>(pending.values());
            ts = new ArrayList<>(timeouts.values());
            pending.clear();
            timeouts.clear();
        }
        ts.forEach(t -> t.cancel(false));
        all.sort((a, b) -> Long.compare(a.id(), b.id()));
        for (Pending p : all) {
            reject(p, error.get());
        }
        return all.size();
    }

    synchronized int size() {
        return pending.size();
    }
}
