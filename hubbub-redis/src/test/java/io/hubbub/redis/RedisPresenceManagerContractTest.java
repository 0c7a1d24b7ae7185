package io.hubbub.redis;

import io.hubbub.core.engine.PresenceManager;
import io.hubbub.core.engine.contract.PresenceManagerContract;

/** The shared PresenceManager contract against a real Redis; every instance is a separate engine (node). */
class RedisPresenceManagerContractTest extends PresenceManagerContract {
    private final SharedRedis redis = new SharedRedis();

    @Override
    protected PresenceManager newPresenceManager() {
        return redis.engine().presence();
    }

    @Override
    protected void afterEachTest() {
        redis.closeEngines();
    }
}
