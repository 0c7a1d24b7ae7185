package io.hubbub.server.transport;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code server.ioThreads} reaches the transport: the server runs exactly that many event loops. */
class HubbubTransportIoThreadsTest {

    @Test
    void runsTheConfiguredNumberOfEventLoops() throws Exception {
        for (int threads : new int[] {1, 3}) {
            try (HubbubTransport transport = new HubbubTransport(TransportSettings.defaults(0).withIoThreads(threads), List.of())) {
                assertThat(transport.ioThreads()).isEqualTo(threads);
                AtomicInteger probed = new AtomicInteger();
                CountDownLatch done = new CountDownLatch(threads);
                transport.probeLag(lag -> {
                    probed.incrementAndGet();
                    done.countDown();
                });
                assertThat(done.await(5, TimeUnit.SECONDS)).isTrue();
                assertThat(probed.get()).isEqualTo(threads);
            }
        }
    }

    @Test
    void zeroRunsOneLoopPerCore() throws Exception {
        try (HubbubTransport transport = new HubbubTransport(TransportSettings.defaults(0), List.of())) {
            assertThat(transport.ioThreads()).isEqualTo(io.netty.util.NettyRuntime.availableProcessors());
        }
    }
}
