package io.hubbub.server.app;

import io.hubbub.core.protocol.Json;
import io.hubbub.server.config.ServerConfig.Mode;
import io.hubbub.server.config.StartupConfig;
import io.hubbub.server.testing.NativeClient;
import io.hubbub.server.testing.TestHubbub;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The start-up warm-up (issue 14): a node connects to itself over a loopback-only listener before it
 * binds its port, with its per-IP limits suspended for that time only, and serves afterwards with no
 * warm-up session left and its limits back.
 */
class WarmupTest {
    @Test
    void aNodeWarmsItsConnectPathBeforeListeningAndKeepsItsLimitsAfterwards() throws Exception {
        // 300 warm-up connections would be refused at 3 attempts/s per IP if the limits were not suspended
        try (TestHubbub hub = TestHubbub.start(Map.of("startup.warmupConnections", "300", "limits.connectsPerIpPerSecond", "3"))) {
            Warmup.Outcome o = hub.server().warmup().orElseThrow();
            assertThat(o.connected()).isEqualTo(300);
            assertThat(o.socketIo()).as("every fifth is a Socket.IO client").isEqualTo(300 / Warmup.SOCKET_IO_EVERY);
            assertThat(o.failed()).isZero();
            assertThat(hub.server().node().connectionCount()).as("no warm-up session is left").isZero();
            try (NativeClient c = hub.connect("real-user")) {
                assertThat(c.ok("ping", Json.object()).path("ts").asLong()).isPositive();
            }
            int refused = 0;
            for (int i = 0; i < 10; i++) {
                try (NativeClient c = hub.connect("burst-" + i)) {
                    c.ok("ping", Json.object());
                } catch (RuntimeException | AssertionError e) {
                    refused++;
                }
            }
            assertThat(refused).as("the per-IP attempt limit applies again after the warm-up").isPositive();
        }
    }

    @Test
    void aRefusedWarmupIsCountedAndTheNodeStartsAnyway() throws Exception {
        // with accounts required, the warm-up's users (who have none) are refused: nothing warms the session, the node still serves
        try (TestHubbub hub = TestHubbub.start(Map.of("startup.warmupConnections", "1000", "auth.requireAccount", "true"))) {
            Warmup.Outcome o = hub.server().warmup().orElseThrow();
            assertThat(o.connected()).isZero();
            assertThat(o.failed()).as("it gives up once refusals outnumber successes")
                    .isBetween(Warmup.CONCURRENCY, 2 * Warmup.CONCURRENCY);
            assertThat(hub.server().node().connectionCount()).isZero();
        }
    }

    @Test
    void withoutSocketIoEveryWarmupConnectionIsNative() throws Exception {
        try (TestHubbub hub = TestHubbub.start(Map.of("startup.warmupConnections", "50", "socketio.enabled", "false"))) {
            Warmup.Outcome o = hub.server().warmup().orElseThrow();
            assertThat(o.connected()).isEqualTo(50);
            assertThat(o.socketIo()).isZero();
        }
    }

    @Test
    void devModeHasNoWarmupByDefault() throws Exception {
        try (TestHubbub hub = TestHubbub.start()) {
            assertThat(hub.server().warmup()).isEmpty();
        }
    }

    /** The automatic size is the measured one in production, none in dev; a number given is used as given. */
    @Test
    void automaticWarmupIsThirtyThousandInProductionAndNoneInDev() {
        var auto = StartupConfig.defaults();
        assertThat(auto.effectiveWarmupConnections(Mode.PRODUCTION)).isEqualTo(30_000);
        assertThat(auto.effectiveWarmupConnections(Mode.DEV)).isZero();
        var given = new StartupConfig(500, auto.warmupTimeout());
        assertThat(given.effectiveWarmupConnections(Mode.PRODUCTION)).isEqualTo(500);
        assertThat(given.effectiveWarmupConnections(Mode.DEV)).isEqualTo(500);
    }
}
