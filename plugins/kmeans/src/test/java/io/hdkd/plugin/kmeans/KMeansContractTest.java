package io.hdkd.plugin.kmeans;

import io.hdkd.api.PartitionerFactory;
import io.hdkd.testkit.PartitionerContract;

/** The testkit's partitioner contract with the defaults (4 subspaces). */
class KMeansContractTest extends PartitionerContract {

    @Override
    protected PartitionerFactory factory() {
        return new KMeansPartitionerFactory();
    }
}
