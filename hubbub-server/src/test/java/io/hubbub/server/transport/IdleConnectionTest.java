package io.hubbub.server.transport;

import io.hubbub.core.protocol.Json;
import io.hubbub.core.session.Session;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What an idle native connection keeps (issue 14): its outbound queue goes back to the outbox once it
 * sent nothing for a tick of its loop's {@link LoopTicker}, the next frame makes a new one, and a closed
 * connection leaves the ticker. Heartbeats on the same ticker are covered by LimitsTest.
 */
class IdleConnectionTest {
    @Test
    void anIdleConnectionHandsItsQueueBackAndStillGetsEveryReply() throws Exception {
        try (TestHubbub hub = TestHubbub.start(Map.of("heartbeat.interval", "100ms", "heartbeat.timeout", "10s"))) {
            EventLoop loop;
            try (NativeClient c = hub.connect("idle-user")) {
                c.ok("ping", Json.object());
                NativeConnection conn = connection(hub);
                loop = (EventLoop) conn.executor();
                assertThat(await(() -> !conn.holdsQueue())).as("the queue is handed back while idle").isTrue();
                for (int i = 0; i < 3; i++) {
                    // the reply makes a new queue; quiet again, it goes back again
                    assertThat(c.ok("ping", Json.object()).path("ts").asLong()).isPositive();
                    assertThat(await(() -> !conn.holdsQueue())).isTrue();
                }
                assertThat(onLoop(loop, () -> LoopTicker.of(loop).size())).isEqualTo(1);
            }
            assertThat(await(() -> !hub.server().node().sessions().iterator().hasNext())).isTrue();
            assertThat(await(() -> onLoop(loop, () -> LoopTicker.of(loop).size()) == 0))
                    .as("a closed connection leaves its loop's ticker").isTrue();
        }
    }

    private static NativeConnection connection(TestHubbub hub) {
        Session s = hub.server().node().sessions().iterator().next();
        return (NativeConnection) s.transport();
    }

    private static <T> T onLoop(EventLoop loop, java.util.concurrent.Callable<T> task) {
        try {
            return loop.submit(task).get(5, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** Polls a condition (at most 500 times, 20 ms apart): waits for a tick without asserting on time. */
    private static boolean await(BooleanSupplier condition) throws InterruptedException {
        for (int i = 0; i < 500; i++) {
            if (condition.getAsBoolean()) return true;
            Thread.sleep(20);
        }
        return false;
    }
}
