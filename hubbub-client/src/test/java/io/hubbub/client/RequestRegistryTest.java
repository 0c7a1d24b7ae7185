package io.hubbub.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RequestRegistryTest {
    private static final Duration LONG = Duration.ofMinutes(1);
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final ExecutorService completer = Executors.newSingleThreadExecutor(r -> new Thread(r, "completer"));
    private final JsonNode empty = JsonNodeFactory.instance.objectNode();

    @AfterEach
    void stop() {
        timer.shutdownNow();
        completer.shutdownNow();
    }

    private static HubbubClientException failure(CompletableFuture<?> f) {
        try {
            f.get(5, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            return (HubbubClientException) e.getCause();
        } catch (Exception e) {
            throw new AssertionError("future did not fail in time", e);
        }
        throw new AssertionError("future completed normally");
    }

    @Test
    void assignsUniqueIncreasingIds() {
        RequestRegistry r = new RequestRegistry(100, timer, completer);
        Set<Long> ids = new HashSet<>();
        long previous = 0;
        for (int i = 0; i < 50; i++) {
            long id = r.register("ping", empty, LONG).id();
            assertThat(id).isGreaterThan(previous);
            previous = id;
            ids.add(id);
        }
        assertThat(ids).hasSize(50);
        assertThat(r.size()).isEqualTo(50);
    }

    @Test
    void completesWithTheReplyOnTheCompleter() throws Exception {
        RequestRegistry r = new RequestRegistry(10, timer, completer);
        RequestRegistry.Pending p = r.register("room:join", empty, LONG);
        JsonNode reply = JsonNodeFactory.instance.objectNode().put("ok", true);
        java.util.concurrent.atomic.AtomicReference<String> thread = new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.CountDownLatch completed = new java.util.concurrent.CountDownLatch(1);
        p.future().whenComplete((v, e) -> {
            thread.set(Thread.currentThread().getName());
            completed.countDown();
        });
        RequestRegistry.Pending taken = r.take(p.id());
        assertThat(taken).isSameAs(p);
        assertThat(r.take(p.id())).as("taken only once").isNull();
        r.resolve(taken, reply);
        // Wait on a latch, not on get(): a thread blocked in get() may itself run the dependents.
        assertThat(completed.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(thread.get()).isEqualTo("completer");
        assertThat(p.future().get()).isEqualTo(reply);
        assertThat(r.size()).isZero();
    }

    @Test
    void failsWithTimeoutWhenNoAnswerComes() {
        RequestRegistry r = new RequestRegistry(10, timer, completer);
        long start = System.nanoTime();
        RequestRegistry.Pending p = r.register("room:get", empty, Duration.ofMillis(100));
        HubbubClientException e = failure(p.future());
        long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
        assertThat(e.code()).isEqualTo(HubbubClientException.TIMEOUT);
        assertThat(e.getMessage()).contains("room:get");
        assertThat(tookMs).isGreaterThanOrEqualTo(100);
        assertThat(r.size()).isZero();
        assertThat(r.take(p.id())).as("a late answer finds nothing").isNull();
    }

    @Test
    void answeredRequestsDoNotTimeOut() throws Exception {
        RequestRegistry r = new RequestRegistry(10, timer, completer);
        RequestRegistry.Pending p = r.register("ping", empty, Duration.ofMillis(50));
        r.resolve(r.take(p.id()), empty);
        Thread.sleep(150);
        assertThat(p.future().get()).isEqualTo(empty);
    }

    @Test
    void failAllFailsEveryPendingRequestOnce() {
        RequestRegistry r = new RequestRegistry(10, timer, completer);
        List<RequestRegistry.Pending> ps = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ps.add(r.register("message:send", empty, LONG));
        }
        int failed = r.failAll(() -> HubbubClientException.closed(HubbubClientException.CONNECTION_CLOSED, 1006, "gone"));
        assertThat(failed).isEqualTo(5);
        for (RequestRegistry.Pending p : ps) {
            HubbubClientException e = failure(p.future());
            assertThat(e.code()).isEqualTo(HubbubClientException.CONNECTION_CLOSED);
            assertThat(e.closeCode()).isEqualTo(1006);
        }
        assertThat(r.size()).isZero();
        assertThat(r.failAll(() -> new HubbubClientException("x", "y"))).isZero();
    }

    @Test
    void boundsRequestsInFlight() {
        RequestRegistry r = new RequestRegistry(3, timer, completer);
        RequestRegistry.Pending first = r.register("a", empty, LONG);
        r.register("b", empty, LONG);
        r.register("c", empty, LONG);
        assertThatThrownBy(() -> r.register("d", empty, LONG))
                .isInstanceOfSatisfying(HubbubClientException.class,
                        e -> assertThat(e.code()).isEqualTo(HubbubClientException.TOO_MANY_IN_FLIGHT));
        r.resolve(r.take(first.id()), empty);
        assertThat(r.register("d", empty, LONG).id()).isEqualTo(4);
    }

    @Test
    void cancellingAFutureFreesItsSlot() {
        RequestRegistry r = new RequestRegistry(1, timer, completer);
        RequestRegistry.Pending p = r.register("a", empty, LONG);
        p.future().cancel(false);
        assertThat(r.size()).isZero();
        assertThat(r.register("b", empty, LONG)).isNotNull();
    }

    @Test
    void keepsTheRequestForReplyHooks() {
        RequestRegistry r = new RequestRegistry(1, timer, completer);
        JsonNode payload = JsonNodeFactory.instance.objectNode().put("room", "lobby");
        RequestRegistry.Pending p = r.register("room:join", payload, LONG);
        RequestRegistry.Pending taken = r.take(p.id());
        assertThat(taken.type()).isEqualTo("room:join");
        assertThat(taken.payload().get("room").asText()).isEqualTo("lobby");
    }
}
