package io.hubbub.client;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BackoffTest {

    private static final ReconnectPolicy POLICY = ReconnectPolicy.defaults(); // 250 ms .. 10 s

    /** A generator that always returns the top of the requested range, to observe the caps. */
    private static final RandomGenerator ALWAYS_MAX = new RandomGenerator() {
        @Override
        public long nextLong() {
            return Long.MAX_VALUE;
        }

        @Override
        public long nextLong(long bound) {
            return bound - 1;
        }
    };

    @Test
    void capDoublesFromBaseUntilMax() {
        Backoff b = new Backoff(POLICY, ALWAYS_MAX);
        long[] expected = {250, 500, 1000, 2000, 4000, 8000, 10_000, 10_000, 10_000};
        for (long e : expected) {
            assertThat(b.nextDelayMs()).isEqualTo(e);
        }
        assertThat(b.attempts()).isEqualTo(expected.length);
        assertThat(b.cap(200)).as("no overflow for huge attempt counts").isEqualTo(10_000);
        assertThat(b.cap(61)).isEqualTo(10_000);
    }

    @Test
    void delaysStayWithinZeroAndCapAndUseTheWholeRange() {
        Backoff b = new Backoff(POLICY, new SplittableRandom(42));
        int samples = 20_000;
        long sum = 0;
        int low = 0;
        int high = 0;
        for (int i = 0; i < samples; i++) {
            b.reset();
            for (int k = 0; k < 3; k++) {
                b.nextDelayMs();
            }
            long d = b.nextDelayMs(); // 4th attempt: cap 2000
            assertThat(d).isBetween(0L, 2000L);
            sum += d;
            if (d < 500) {
                low++;
            }
            if (d > 1500) {
                high++;
            }
        }
        double mean = (double) sum / samples;
        // Full jitter is uniform on [0, cap]: mean cap/2, each quarter holds about a quarter of the samples.
        assertThat(mean).isBetween(950.0, 1050.0);
        assertThat(low).isBetween(samples / 4 - 600, samples / 4 + 600);
        assertThat(high).isBetween(samples / 4 - 600, samples / 4 + 600);
    }

    @Test
    void resetAfterSuccessStartsAgainFromBase() {
        Backoff b = new Backoff(POLICY, ALWAYS_MAX);
        for (int i = 0; i < 5; i++) {
            b.nextDelayMs();
        }
        assertThat(b.nextDelayMs()).isEqualTo(8000);
        b.reset();
        assertThat(b.attempts()).isZero();
        assertThat(b.nextDelayMs()).isEqualTo(250);
    }

    @Test
    void slowCodesWaitInTheUpperHalfOfAHigherCap() {
        Backoff top = new Backoff(POLICY, ALWAYS_MAX);
        assertThat(top.nextSlowDelayMs()).isEqualTo(1000); // cap of attempt 0+2
        Backoff b = new Backoff(POLICY, new SplittableRandom(7));
        for (int i = 0; i < 1000; i++) {
            b.reset();
            long d = b.nextSlowDelayMs();
            assertThat(d).isBetween(500L, 1000L);
        }
        for (int i = 0; i < 20; i++) {
            assertThat(b.nextSlowDelayMs()).isBetween(0L, 10_000L);
        }
        assertThat(b.nextSlowDelayMs()).as("at the max cap the floor is half of max").isGreaterThanOrEqualTo(5000);
    }

    @Test
    void shutdownDelayIsTheSuggestionPlusBoundedJitter() {
        Backoff b = new Backoff(POLICY, new SplittableRandom(1));
        long min = Long.MAX_VALUE;
        long max = 0;
        for (int i = 0; i < 5000; i++) {
            long d = b.shutdownDelayMs(2000);
            assertThat(d).isBetween(2000L, 4000L);
            min = Math.min(min, d);
            max = Math.max(max, d);
        }
        assertThat(min).isLessThan(2100);
        assertThat(max).isGreaterThan(3900);
        assertThat(b.shutdownDelayMs(0)).isBetween(0L, 250L);
        assertThat(b.attempts()).as("a shutdown is not a failed attempt").isZero();
    }

    @Test
    void policyValidatesItsBounds() {
        assertThatThrownBy(() -> ReconnectPolicy.exponential(Duration.ZERO, Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ReconnectPolicy.exponential(Duration.ofSeconds(2), Duration.ofSeconds(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("max");
        assertThatThrownBy(() -> ReconnectPolicy.defaults().withMaxAttempts(-1))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(ReconnectPolicy.disabled().enabled()).isFalse();
        Backoff custom = new Backoff(ReconnectPolicy.exponential(Duration.ofMillis(100), Duration.ofMillis(300)), ALWAYS_MAX);
        assertThat(custom.nextDelayMs()).isEqualTo(100);
        assertThat(custom.nextDelayMs()).isEqualTo(200);
        assertThat(custom.nextDelayMs()).isEqualTo(300);
        assertThat(custom.nextDelayMs()).isEqualTo(300);
    }

    @Test
    void closeCodesFollowTheProtocolTable() {
        for (int code : new int[]{1000, 1002, 1003, 1009, 4001, 4003, 4010, 4011}) {
            assertThat(CloseCodes.reconnectable(code)).as("code %d", code).isFalse();
        }
        for (int code : new int[]{1001, 1006, 1011, 4008, 4009, 4029, 4503}) {
            assertThat(CloseCodes.reconnectable(code)).as("code %d", code).isTrue();
        }
        assertThat(CloseCodes.slow(4029)).isTrue();
        assertThat(CloseCodes.slow(4503)).isTrue();
        assertThat(CloseCodes.slow(1001)).isFalse();
    }

    @Test
    void reconnectDecisionFollowsCodePolicyAndShutdown() {
        Backoff b = new Backoff(POLICY, ALWAYS_MAX);
        assertThat(b.next(1000, -1)).as("normal close").isEmpty();
        assertThat(b.next(4003, -1)).as("unauthorized").isEmpty();
        assertThat(b.next(4010, -1)).as("kicked by an admin").isEmpty();
        assertThat(b.next(1001, 2345)).as("shutdown delay wins").hasValue(2345);
        assertThat(b.attempts()).isZero();
        assertThat(b.next(1006, -1)).hasValue(250);
        assertThat(b.next(4009, -1)).hasValue(500);
        assertThat(b.next(4503, -1)).as("slow: upper end of a cap two doublings up").hasValue(4000);
        assertThat(new Backoff(ReconnectPolicy.disabled(), ALWAYS_MAX).next(1006, -1)).isEmpty();
        Backoff limited = new Backoff(ReconnectPolicy.defaults().withMaxAttempts(2), ALWAYS_MAX);
        assertThat(limited.next(1006, -1)).isPresent();
        assertThat(limited.next(1006, -1)).isPresent();
        assertThat(limited.next(1006, -1)).as("attempts exhausted").isEmpty();
        limited.reset();
        assertThat(limited.next(1006, -1)).as("a success gives a fresh budget").isPresent();
    }
}
