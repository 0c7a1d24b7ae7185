package io.hubbub.redis;

import io.hubbub.core.engine.SessionStore;
import io.hubbub.core.engine.contract.SessionStoreContract;

/** The shared SessionStore contract against a real Redis; every instance is a separate engine (node). */
class RedisSessionStoreContractTest extends SessionStoreContract {
    private final SharedRedis redis = new SharedRedis();

    @Override
    protected SessionStore newSessionStore() {
        return redis.engine().sessions();
    }

    @Override
    protected void afterEachTest() {
        redis.closeEngines();
    }
}
