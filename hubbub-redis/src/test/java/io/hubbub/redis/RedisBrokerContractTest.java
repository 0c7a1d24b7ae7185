package io.hubbub.redis;

import io.hubbub.core.engine.Broker;
import io.hubbub.core.engine.contract.BrokerContract;

/** The shared Broker contract against a real Redis; every instance is a separate engine (node). */
class RedisBrokerContractTest extends BrokerContract {
    private final SharedRedis redis = new SharedRedis();

    @Override
    protected Broker newBroker() {
        return redis.engine().broker();
    }

    @Override
    protected boolean brokersShareBackend() {
        return true;
    }

    @Override
    protected void afterEachTest() {
        redis.closeEngines();
    }
}
