package io.hubbub.core.engine.memory;

import io.hubbub.core.engine.Leases;
import io.hubbub.core.engine.contract.LeasesContract;

/** The Leases contract on the memory engine: every "node" of a test is the same single-node store. */
class MemoryLeasesTest extends LeasesContract {
    private final MemoryLeases shared = new MemoryLeases();

    @Override
    protected Leases newLeases() {
        return shared;
    }
}
