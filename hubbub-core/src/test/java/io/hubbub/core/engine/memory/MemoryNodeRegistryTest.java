package io.hubbub.core.engine.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubbub.core.engine.NodeInfo;
import io.hubbub.core.engine.NodeRegistry;
import io.hubbub.core.engine.contract.NodeRegistryContract;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The node registry contract on {@link MemoryNodeRegistry}, plus sweeping. */
class MemoryNodeRegistryTest extends NodeRegistryContract {

    @Override
    protected NodeRegistry newNodeRegistry() {
        return new MemoryNodeRegistry();
    }

    @Test
    void sweepRemovesExpiredRegistrations() throws InterruptedException {
        MemoryNodeRegistry r = new MemoryNodeRegistry();
        r.register(new NodeInfo("a", "http://127.0.0.1:1", 0, 0, 0), Duration.ofMillis(100)).join();
        r.register(new NodeInfo("b", "http://127.0.0.1:2", 0, 0, 0), Duration.ofMinutes(1)).join();
        Thread.sleep(250);
        assertThat(r.sweep()).isEqualTo(1);
        assertThat(r.size()).isEqualTo(1);
    }

    @Test
    void aNonPositiveTtlIsRejected() {
        MemoryNodeRegistry r = new MemoryNodeRegistry();
        assertThat(r.register(new NodeInfo("a", "u", 0, 0, 0), Duration.ZERO)).isCompletedExceptionally();
    }
}
