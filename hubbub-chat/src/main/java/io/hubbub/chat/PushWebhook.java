package io.hubbub.chat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hubbub.core.protocol.Json;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
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
import java.util.HexFormat;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Hands every stored notification to the application's push service (for mobile pushes): a
 * {@code POST} of {@code {"id","userId","type","data","createdAt"}} to {@code webhookUrl}, signed with
 * HMAC-SHA256 over {@code "<timestamp>.<body>"} ({@code X-Hubbub-Timestamp}, {@code X-Hubbub-Signature:
 * sha256=<hex>}). A non-2xx answer or a network error is retried with exponential backoff (1 s, 2 s,
 * 4 s, … up to {@code webhookRetries} times); the receiver deduplicates by {@code id}. At most
 * {@link #MAX_IN_FLIGHT} deliveries are pending; beyond, new ones are dropped and counted (the
 * notification itself is stored and listed regardless).
 */
final class PushWebhook {
    private static final Logger log = LoggerFactory.getLogger(PushWebhook.class);
    static final int MAX_IN_FLIGHT = 10_000;

    private final URI url;
    private final byte[] secret;
    private final int retries;
    private final Duration firstBackoff;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Counter delivered, failed, dropped;

    PushWebhook(String url, String secret, int retries, Duration firstBackoff, ScheduledExecutorService scheduler, Clock clock,
                MeterRegistry metrics, java.util.function.Function<String, String> metricName) {
        this.url = URI.create(url);
        this.secret = secret.getBytes(StandardCharsets.UTF_8);
        this.retries = retries;
        this.firstBackoff = firstBackoff;
        this.scheduler = scheduler;
        this.clock = clock;
        this.delivered = Counter.builder(metricName.apply("webhook.delivered")).register(metrics);
        this.failed = Counter.builder(metricName.apply("webhook.failed")).description("given up after every retry").register(metrics);
        this.dropped = Counter.builder(metricName.apply("webhook.dropped")).description("not sent: too many in flight").register(metrics);
    }

    void send(String userId, ObjectNode notification) {
        if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
            inFlight.decrementAndGet();
            dropped.increment();
            return;
        }
        ObjectNode body = Json.object().put("id", notification.path("id").asText()).put("userId", userId)
                .put("type", notification.path("type").asText());
        body.set("data", notification.get("data"));
        body.put("createdAt", notification.path("createdAt").asLong());
        attempt(body.toString(), 0);
    }

    private void attempt(String body, int attempt) {
        String ts = Long.toString(clock.millis() / 1000);
        HttpRequest req = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("X-Hubbub-Timestamp", ts)
                .header("X-Hubbub-Signature", "sha256=" + sign(secret, ts + "." + body))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        http.sendAsync(req, HttpResponse.BodyHandlers.discarding()).whenComplete((res, err) -> {
            if (err == null && res.statusCode() / 100 == 2) {
                delivered.increment();
                inFlight.decrementAndGet();
            } else if (attempt < retries) {
                long delay = firstBackoff.toMillis() << Math.min(attempt, 16);
                scheduler.schedule(() -> attempt(body, attempt + 1), delay, TimeUnit.MILLISECONDS);
            } else {
                failed.increment();
                inFlight.decrementAndGet();
                log.warn("push webhook gave up after {} attempts: {}", attempt + 1, err != null ? err.toString() : "HTTP " + res.statusCode());
            }
        });
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
