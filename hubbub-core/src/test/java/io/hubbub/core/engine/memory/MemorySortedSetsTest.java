package io.hubbub.core.engine.memory;

import io.hubbub.core.engine.SortedSets;
import io.hubbub.core.engine.contract.SortedSetsContract;

/** The SortedSets contract on the memory engine: every "node" of a test is the same single-node store. */
class MemorySortedSetsTest extends SortedSetsContract {
    private final MemorySortedSets shared = new MemorySortedSets();

    @Override
    protected SortedSets newSets() {
        return shared;
    }
}
