package io.hubbub.redis;

import io.hubbub.core.engine.NodeRegistry;
import io.hubbub.core.engine.contract.NodeRegistryContract;

/** The shared NodeRegistry contract against a real Redis; every instance is a separate engine (node). */
class RedisNodeRegistryContractTest extends NodeRegistryContract {
    private final SharedRedis redis = new SharedRedis();

    @Override
    protected NodeRegistry newNodeRegistry() {
        return redis.engine().nodes();
    }

    @Override
    protected void afterEachTest() {
        redis.closeEngines();
    }
}
