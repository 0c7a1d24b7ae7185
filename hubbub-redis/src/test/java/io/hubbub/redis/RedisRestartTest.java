package io.hubbub.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.hubbub.core.engine.HistoryQuery;
import io.hubbub.core.engine.Publication;
import io.hubbub.core.engine.PublishOptions;
import io.hubbub.core.engine.StreamPosition;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Redis goes away and comes back on the same port: publishing fails with unavailable (never hangs or
 * drops silently), connected() reflects it, and afterwards subscriptions are restored by themselves.
 */
class RedisRestartTest {
    static final PublishOptions KEEP = new PublishOptions(100, Duration.ofMinutes(5), Duration.ofMinutes(10));

    @Test
    void publishFailsWhileDownThenSubscriptionsAndDeliveryResume() throws Exception {
        try (RedisServers.Server server = RedisServers.single()) {
            String prefix = TestEngines.prefix();
            try (RedisEngine subscriber = RedisEngine.start(TestEngines.config(server.uri(), prefix, "sub"));
                 RedisEngine publisher = RedisEngine.start(TestEngines.config(server.uri(), prefix, "pub"))) {
                Collector got = new Collector();
                subscriber.broker().setHandler(got);
                subscriber.broker().subscribe("room:r").join();
                subscriber.broker().subscribe("room:s").join();
                StreamPosition before = publisher.broker().publish("room:r", Publication.of("m", TestEngines.data("k", "before")), KEEP).join();
                assertThat(got.take(1, 5_000).getFirst().publication().offset()).isEqualTo(1);

                server.stop();
                await().atMost(Duration.ofSeconds(10)).until(() -> !subscriber.connected() && !publisher.connected());
                long t0 = System.nanoTime();
                var failed = publisher.broker().publish("room:r", Publication.of("m", TestEngines.data("k", "down")), KEEP);
                assertThatThrownBy(() -> failed.get(5, TimeUnit.SECONDS))
                        .satisfies(e -> assertThat(HubbubException.from(e).code()).isEqualTo(ErrorCode.UNAVAILABLE));
                assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).as("fails fast").isLessThan(3_000);
                assertThatThrownBy(() -> publisher.broker().publish("room:r", Publication.ephemeral("typing", TestEngines.data("k", "x"), null), KEEP)
                        .get(5, TimeUnit.SECONDS))
                        .satisfies(e -> assertThat(HubbubException.from(e).code()).isEqualTo(ErrorCode.UNAVAILABLE));
                assertThatThrownBy(() -> publisher.ping().get(5, TimeUnit.SECONDS))
                        .satisfies(e -> assertThat(HubbubException.from(e).code()).isEqualTo(ErrorCode.UNAVAILABLE));

                server.start();
                await().atMost(Duration.ofSeconds(15)).until(() -> subscriber.connected() && publisher.connected());
                publisher.ping().get(5, TimeUnit.SECONDS);
                // Delivery resumes on both channels without anyone subscribing again. Redis lost its data
                // (no persistence), so history restarts in a new epoch.
                await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250)).until(() -> {
                    publisher.broker().publish("room:s", Publication.ephemeral("probe", TestEngines.data("k", "p"), null), KEEP).join();
                    return got.drain().stream().anyMatch(d -> d.channel().equals("room:s"));
                });
                for (int i = 0; i < 5; i++) {
                    publisher.broker().publish("room:r", Publication.of("m", TestEngines.data("i", i)), KEEP).join();
                }
                // Late probes on room:s may still arrive; only room:r is checked.
                List<Collector.Delivery> after = new java.util.ArrayList<>();
                while (after.size() < 5) {
                    Collector.Delivery d = got.next(5_000);
                    assertThat(d).as("delivery after restart").isNotNull();
                    if (d.channel().equals("room:r")) after.add(d);
                }
                assertThat(after).extracting(d -> d.publication().offset()).containsExactly(1L, 2L, 3L, 4L, 5L);
                assertThat(after.getFirst().publication().epoch()).isNotEqualTo(before.epoch());
                var h = subscriber.broker().history("room:r", HistoryQuery.latest(0)).join();
                assertThat(h.canRecoverFrom(before)).as("history was lost with the restart").isFalse();
                assertThat(subscriber.broker().subscriptions()).containsExactlyInAnyOrder("room:r", "room:s");
            }
        }
    }
}
