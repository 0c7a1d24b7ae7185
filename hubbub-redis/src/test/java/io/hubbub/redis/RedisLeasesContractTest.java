package io.hubbub.redis;

import io.hubbub.core.engine.Leases;
import io.hubbub.core.engine.contract.LeasesContract;

/** The Leases contract against a real Redis; every instance is a separate engine (node). */
class RedisLeasesContractTest extends LeasesContract {
    private final SharedRedis redis = new SharedRedis();

    @Override
    protected Leases newLeases() {
        return redis.engine().leases();
    }

    @Override
    protected void afterEachTest() {
        redis.closeEngines();
    }
}
