package io.hubbub.redis;

import io.hubbub.core.engine.SortedSets;
import io.hubbub.core.engine.contract.SortedSetsContract;

/** The SortedSets contract against a real Redis; every instance is a separate engine (node). */
class RedisSortedSetsContractTest extends SortedSetsContract {
    private final SharedRedis redis = new SharedRedis();

    @Override
    protected SortedSets newSets() {
        return redis.engine().sortedSets();
    }

    @Override
    protected void afterEachTest() {
        redis.closeEngines();
    }
}
