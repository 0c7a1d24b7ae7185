package io.hubbub.redis;

import io.hubbub.core.engine.RoomStateStore;
import io.hubbub.core.engine.contract.RoomStateStoreContract;

/** The shared RoomStateStore contract against a real Redis; every instance is a separate engine (node). */
class RedisRoomStateStoreContractTest extends RoomStateStoreContract {
    private final SharedRedis redis = new SharedRedis();

    @Override
    protected RoomStateStore newStore(RoomStateStore.Limits limits) {
        return redis.engine().roomState(limits);
    }

    @Override
    protected void afterEachTest() {
        redis.closeEngines();
    }
}
