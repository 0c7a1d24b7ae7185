package io.hubbub.core.engine.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.hubbub.core.engine.NodeInfo;
import io.hubbub.core.engine.Publication;
import io.hubbub.core.engine.PublishOptions;
import io.hubbub.core.engine.SessionSnapshot;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The memory engine as a whole: its identity, its sweeper and its shutdown. */
class MemoryEngineTest {

    @Test
    void isNamedMemoryAndAlwaysReady() {
        try (MemoryEngine e = new MemoryEngine()) {
            assertThat(e.name()).isEqualTo("memory");
            assertThat(e.ping()).isCompleted();
            assertThat(e.broker()).isSameAs(e.broker());
            assertThat(e.presence()).isNotNull();
            assertThat(e.nodes()).isNotNull();
            assertThat(e.sessions()).isNotNull();
        }
    }

    @Test
    void theSweeperRemovesExpiredEntriesWithoutAnyoneReadingThem() {
        var settings = new MemoryEngine.Settings(Duration.ofMillis(100), Duration.ofMinutes(1), 10, 10);
        try (MemoryEngine e = new MemoryEngine(settings)) {
            e.broker().publish("room", Publication.of("message:new", JsonNodeFactory.instance.objectNode()),
                    new PublishOptions(10, Duration.ZERO, Duration.ofMillis(200))).join();
            e.nodes().register(new NodeInfo("n1", "http://127.0.0.1:1", 0, 0, 0), Duration.ofMillis(200)).join();
            e.sessions().save(new SessionSnapshot("s1", "u", Set.of(), Set.of(), 0), Duration.ofMillis(200)).join();
            assertThat(e.broker().streamCount()).isEqualTo(1);
            await().atMost(5, TimeUnit.SECONDS).until(() ->
                    e.broker().streamCount() == 0 && e.nodes().size() == 0 && e.sessions().size() == 0);
        }
    }

    @Test
    void closeStopsTheSweeperAndTheBroker() {
        MemoryEngine e = new MemoryEngine();
        e.close();
        assertThat(e.sweeperStopped()).isTrue();
        var refused = e.broker().publish("room", Publication.of("message:new", null), new PublishOptions(1, Duration.ZERO, Duration.ZERO));
        assertThat(refused).isCompletedExceptionally();
        try {
            refused.join();
        } catch (CompletionException ex) {
            assertThat(HubbubException.from(ex).code()).isEqualTo(ErrorCode.UNAVAILABLE);
        }
        e.close();
    }
}
