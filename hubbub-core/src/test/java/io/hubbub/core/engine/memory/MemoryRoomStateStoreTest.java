package io.hubbub.core.engine.memory;

import io.hubbub.core.engine.RoomStateStore;
import io.hubbub.core.engine.contract.RoomStateStoreContract;
import java.util.HashMap;
import java.util.Map;

/** The room state contract on {@link MemoryRoomStateStore} (one instance per limits is the whole "cluster"). */
class MemoryRoomStateStoreTest extends RoomStateStoreContract {
    private final Map<RoomStateStore.Limits, MemoryRoomStateStore> shared = new HashMap<>();

    @Override
    protected RoomStateStore newStore(RoomStateStore.Limits limits) {
        return shared.computeIfAbsent(limits, MemoryRoomStateStore::new);
    }
}
