package io.hubbub.core.engine.memory;

import io.hubbub.core.engine.RoomDirectory;
import io.hubbub.core.engine.contract.RoomDirectoryContract;

/** The room directory contract on {@link MemoryRoomDirectory} (one instance is the whole "cluster"). */
class MemoryRoomDirectoryTest extends RoomDirectoryContract {
    private final MemoryRoomDirectory shared = new MemoryRoomDirectory();

    @Override
    protected RoomDirectory newDirectory() {
        return shared;
    }
}
