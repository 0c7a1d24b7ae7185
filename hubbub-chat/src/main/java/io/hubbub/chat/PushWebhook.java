package io.hubbub.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.protocol.Json;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.jdbi.v3.core.Handle;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Hands every stored notification to the application's push service (for mobile pushes): a
 * {@code POST} of {@code {"id","userId","type","data","createdAt"}} to {@code webhookUrl}, signed with
 * HMAC-SHA256 over {@code "<timestamp>.<body>"} ({@code X-Hubbub-Timestamp}, {@code X-Hubbub-Signature:
 * sha256=<hex>}). A non-2xx answer or a network error is retried with exponential backoff (1 s, 2 s,
 * 4 s, … up to {@code webhookRetries} times); the receiver deduplicates by {@code id}.
 *
 * <p>Durable: each delivery is a row of the {@link WebhookOutbox}, written in the transaction that
 * stores its notification, so pending deliveries and their retries survive a restart. One loop per
 * node (a virtual thread, never an event loop) claims due rows with a lease, posts them concurrently
 * and records each outcome; in a cluster each row is claimed by one node at a time. Delivery is at
 * least once: a node that dies after posting and before recording lets the lease expire and the row is
 * posted again. The outbox holds at most {@code webhookOutboxMax} rows (checked against a count
 * refreshed every poll); beyond, new deliveries are dropped and counted, the notification itself is
 * stored and listed regardless.
 */
final class PushWebhook {
    private static final Logger log = LoggerFactory.getLogger(PushWebhook.class);
    /** Rows claimed (and posted concurrently) per round. */
    static final int CLAIM_BATCH = 100;
    /** A claim's lease: longer than one round can take (the requests' 10 s timeout, plus the recording). */
    static final long LEASE_MILLIS = 60_000;

    private final URI url;
    private final byte[] secret;
    private final int retries;
    private final Duration firstBackoff;
    private final long maxPending;
    private final long pollMillis;
    private final Clock clock;
    private final WebhookOutbox outbox;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicLong pending = new AtomicLong();
    private final LinkedBlockingQueue<Boolean> wake = new LinkedBlockingQueue<>(1);
    private final Set<WebhookOutbox.Claimed> inFlight = ConcurrentHashMap.newKeySet();
    private final Counter delivered, failed, dropped;
    private volatile boolean closed;
    private volatile Thread loop;

    PushWebhook(ChatSettings s, WebhookOutbox outbox, Clock clock, MeterRegistry metrics, java.util.function.Function<String, String> metricName) {
        this.url = URI.create(s.webhookUrl());
        this.secret = s.webhookSecret().getBytes(StandardCharsets.UTF_8);
        this.retries = s.webhookRetries();
        this.firstBackoff = s.webhookBackoff();
        this.maxPending = s.webhookOutboxMax();
        this.pollMillis = s.webhookPoll().toMillis();
        this.outbox = outbox;
        this.clock = clock;
        this.delivered = Counter.builder(metricName.apply("webhook.delivered")).register(metrics);
        this.failed = Counter.builder(metricName.apply("webhook.failed")).description("given up after every retry").register(metrics);
        this.dropped = Counter.builder(metricName.apply("webhook.dropped")).description("not queued: the outbox was full").register(metrics);
        Gauge.builder(metricName.apply("webhook.pending"), pending::get).description("deliveries in the outbox (as of the last poll)").register(metrics);
    }

    /** In the transaction storing {@code notification}: queues its delivery, unless the outbox is full. */
    void enqueue(Handle h, String userId, ObjectNode notification, long now) {
        if (pending.get() >= maxPending) {
            dropped.increment();
            return;
        }
        ObjectNode body = Json.object().put("id", notification.path("id").asText()).put("userId", userId)
                .put("type", notification.path("type").asText());
        body.set("data", notification.get("data"));
        body.put("createdAt", notification.path("createdAt").asLong());
        WebhookOutbox.add(h, notification.path("id").asText(), userId, body.toString(), now);
        pending.incrementAndGet();
    }

    /** A delivery was queued (committed): look now instead of at the next poll. */
    void nudge() {
        wake.offer(Boolean.TRUE);
    }

    void start() {
        loop = Thread.ofVirtual().name("hubbub-chat-webhook").start(this::run);
    }

    /** Stops the loop; claims not yet answered are given back (due at once, for any node). */
    void close() {
        closed = true;
        nudge();
        Thread t = loop;
        if (t != null) {
            try {
                t.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (WebhookOutbox.Claimed c : List.copyOf(inFlight)) {
            if (!inFlight.remove(c)) continue; // its outcome is being recorded
            try {
                outbox.release(c);
            } catch (RuntimeException e) {
                log.debug("webhook claim not released (its lease expires): {}", e.toString());
            }
        }
    }

    private void run() {
        while (!closed) {
            try {
                pending.set(outbox.size());
                List<WebhookOutbox.Claimed> batch;
                do {
                    batch = outbox.claim(CLAIM_BATCH, clock.millis(), LEASE_MILLIS);
                    deliver(batch);
                } while (batch.size() == CLAIM_BATCH && !closed);
            } catch (RuntimeException e) {
                log.debug("webhook round failed (retried at the next poll): {}", e.toString());
            }
            try {
                wake.poll(pollMillis, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Posts a claimed batch concurrently and records every outcome. */
    private void deliver(List<WebhookOutbox.Claimed> batch) {
        inFlight.addAll(batch);
        List<CompletableFuture<Void>> all = new ArrayList<>();
        for (WebhookOutbox.Claimed c : batch)
            all.add(post(c.body()).handle((status, err) -> {
                record(c, err == null && status / 100 == 2, err != null ? err.toString() : "HTTP " + status);
                return null;
            }));
        CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).join();
    }

    private void record(WebhookOutbox.Claimed c, boolean ok, String why) {
        if (!inFlight.remove(c)) return; // given back at close
        try {
            if (ok) {
                outbox.remove(c);
                delivered.increment();
            } else if (c.attempts() < retries) {
                outbox.retryAt(c, clock.millis() + (firstBackoff.toMillis() << Math.min(c.attempts(), 16)));
            } else {
                outbox.remove(c);
                failed.increment();
                log.warn("push webhook gave up on {} after {} attempts: {}", c.id(), c.attempts() + 1, why);
            }
        } catch (RuntimeException e) {
            log.debug("webhook outcome of {} not recorded (its lease expires, it is sent again): {}", c.id(), e.toString());
        }
    }

    private CompletableFuture<Integer> post(String body) {
        String ts = Long.toString(clock.millis() / 1000);
        HttpRequest req = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("X-Hubbub-Timestamp", ts)
                .header("X-Hubbub-Signature", "sha256=" + sign(secret, ts + "." + body))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.sendAsync(req, HttpResponse.BodyHandlers.discarding()).thenApply(HttpResponse::statusCode);
    }

    /** Lower-case hex HMAC-SHA256 of {@code text}. */
    static String sign(byte[] secret, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret, "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
