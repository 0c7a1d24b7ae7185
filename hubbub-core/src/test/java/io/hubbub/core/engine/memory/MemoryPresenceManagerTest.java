package io.hubbub.core.engine.memory;

import static org.assertj.core.api.Assertions.assertThat;

import io.hubbub.core.engine.ClientInfo;
import io.hubbub.core.engine.PresenceManager;
import io.hubbub.core.engine.contract.PresenceManagerContract;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The presence contract on {@link MemoryPresenceManager}, plus its bounds. */
class MemoryPresenceManagerTest extends PresenceManagerContract {

    @Override
    protected PresenceManager newPresenceManager() {
        return new MemoryPresenceManager();
    }

    @Test
    void lastSeenKeepsAtMostItsCapacityEvictingTheOldestSet() {
        MemoryPresenceManager p = new MemoryPresenceManager(3);
        p.setLastSeen("u1", 1).join();
        p.setLastSeen("u2", 2).join();
        p.setLastSeen("u3", 3).join();
        p.setLastSeen("u1", 4).join();
        p.setLastSeen("u4", 5).join();
        assertThat(p.lastSeen(List.of("u1", "u2", "u3", "u4")).join()).isEqualTo(Map.of("u1", 4L, "u3", 3L, "u4", 5L));
    }

    @Test
    void emptiedChannelsAreDropped() {
        MemoryPresenceManager p = new MemoryPresenceManager();
        for (int i = 0; i < 20; i++) p.add("ch-" + i, new ClientInfo("s" + i, "u", "n", 0, "active", null)).join();
        assertThat(p.channelCount()).isEqualTo(20);
        for (int i = 0; i < 20; i++) p.remove("ch-" + i, "s" + i, "u").join();
        assertThat(p.channelCount()).isZero();
    }
}
