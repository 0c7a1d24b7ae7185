package io.hubbub.server.auth;

import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.server.http.RetryLater;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class SignInThrottleTest {
    final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
    final SignInThrottle throttle = new SignInThrottle(3, Duration.ofSeconds(1), Duration.ofSeconds(10), 100, clock);

    long blockedFor(String user, String ip) {
        RetryLater e = catchThrowableOfType(RetryLater.class, () -> throttle.check(user, ip));
        if (e == null) return 0;
        assertThat(e.code()).isEqualTo(ErrorCode.RATE_LIMITED);
        return e.retryAfterSeconds();
    }

    @Test
    void delaysStartAfterTheFreeFailuresAndDoubleUpToTheCap() {
        throttle.failed("Alice", "1.1.1.1");
        throttle.failed("alice", "1.1.1.2");
        assertThat(blockedFor("alice", "1.1.1.3")).isZero();
        throttle.failed("ALICE", "1.1.1.3");
        assertThat(blockedFor("alice", "9.9.9.9")).isEqualTo(1);
        long[] expected = {2, 4, 8, 10, 10};
        for (long e : expected) {
            clock.advance(Duration.ofSeconds(11)); // the block passed: one more guess, one longer block
            assertThat(blockedFor("alice", "9.9.9.9")).isZero();
            throttle.failed("alice", "9.9.9.9");
            assertThat(blockedFor("alice", "9.9.9.9")).isEqualTo(e);
        }
        assertThat(blockedFor("bob", "9.9.9.9")).as("other names are not affected").isZero();
    }

    @Test
    void aKnownClientIsNeverLockedOutAndSuccessResets() {
        throttle.succeeded("alice", "10.0.0.1");
        for (int i = 0; i < 6; i++) throttle.failed("alice", "203.0.113.5");
        assertThat(blockedFor("alice", "203.0.113.5")).isPositive();
        assertThat(blockedFor("alice", "10.0.0.1")).as("the owner's device").isZero();
        throttle.succeeded("alice", "10.0.0.1");
        assertThat(blockedFor("alice", "203.0.113.5")).isZero();
    }

    @Test
    void failuresAreForgottenAndTheMapIsBounded() {
        for (int i = 0; i < 3; i++) throttle.failed("carol", "1.1.1.1");
        clock.advance(Duration.ofMinutes(16));
        throttle.failed("carol", "1.1.1.1");
        assertThat(blockedFor("carol", "1.1.1.1")).as("old failures forgotten").isZero();
        SignInThrottle small = new SignInThrottle(1, Duration.ofSeconds(1), Duration.ofSeconds(10), 3, clock);
        for (int i = 0; i < 10; i++) small.failed("user" + i, "1.1.1.1");
        assertThat(small.tracked()).isEqualTo(3);
        clock.advance(Duration.ofMinutes(16));
        small.sweep();
        assertThat(small.tracked()).isZero();
        assertThatThrownBy(() -> { small.failed("dave", "1.1.1.1"); small.check("dave", "2.2.2.2"); }).isInstanceOf(RetryLater.class);
    }
}
