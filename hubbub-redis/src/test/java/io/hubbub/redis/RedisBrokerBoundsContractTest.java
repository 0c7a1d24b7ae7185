package io.hubbub.redis;

import io.hubbub.core.engine.Broker;
import io.hubbub.core.engine.contract.BrokerBoundsContract;

/** The history-bounds and idempotency contract against a real Redis; every instance is a separate node. */
class RedisBrokerBoundsContractTest extends BrokerBoundsContract {
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
