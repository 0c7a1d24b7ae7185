package io.hubbub.redis;

import io.hubbub.core.engine.RoomDirectory;
import io.hubbub.core.engine.contract.RoomDirectoryContract;

/** The shared RoomDirectory contract against a real Redis; every instance is a separate engine (node). */
class RedisRoomDirectoryContractTest extends RoomDirectoryContract {
    private final SharedRedis redis = new SharedRedis();

    @Override
    protected RoomDirectory newDirectory() {
        return redis.engine().rooms();
    }

    @Override
    protected void afterEachTest() {
        redis.closeEngines();
    }
}
