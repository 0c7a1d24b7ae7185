package io.hubbub.core.engine.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubbub.core.engine.SessionSnapshot;
import io.hubbub.core.engine.SessionStore;
import io.hubbub.core.engine.contract.SessionStoreContract;
import io.hubbub.core.protocol.ErrorCode;
import io.hubbub.core.protocol.HubbubException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The session store contract on {@link MemorySessionStore}, plus its capacity and sweeping. */
class MemorySessionStoreTest extends SessionStoreContract {

    @Override
    protected SessionStore newSessionStore() {
        return new MemorySessionStore();
    }

    private static SessionSnapshot snap(String id) {
        return new SessionSnapshot(id, "u", Set.of(), Set.of(), 0);
    }

    @Test
    void aFullStoreRefusesNewSnapshotsWithUnavailableButAcceptsReplacements() {
        MemorySessionStore s = new MemorySessionStore(2);
        s.save(snap("a"), Duration.ofMinutes(1)).join();
        s.save(snap("b"), Duration.ofMinutes(1)).join();
        s.save(snap("a"), Duration.ofMinutes(1)).join();
        var refused = s.save(snap("c"), Duration.ofMinutes(1));
        assertThat(refused).isCompletedExceptionally();
        try {
            refused.join();
        } catch (CompletionException e) {
            assertThat(HubbubException.from(e).code()).isEqualTo(ErrorCode.UNAVAILABLE);
        }
        s.delete("b").join();
        s.save(snap("c"), Duration.ofMinutes(1)).join();
        assertThat(s.load("c").join()).isPresent();
    }

    @Test
    void aFullStoreSweepsExpiredSnapshotsBeforeRefusing() throws InterruptedException {
        MemorySessionStore s = new MemorySessionStore(1);
        s.save(snap("a"), Duration.ofMillis(50)).join();
        Thread.sleep(150);
        s.save(snap("b"), Duration.ofMinutes(1)).join();
        assertThat(s.size()).isEqualTo(1);
        assertThat(s.load("b").join()).isPresent();
    }
}
