package io.hdkd.plugin.kdlosses;

import io.hdkd.api.DistillationLossFactory;
import java.util.Map;

/** The testkit's loss contract for the hdkd loss, one subspace per level (no partitioner in the contract). */
class HdkdContractTest extends io.hdkd.testkit.DistillationLossContract {

    @Override
    protected DistillationLossFactory factory() {
        return new HdkdLossFactory();
    }

    @Override
    protected Map<String, String> options() {
        return Map.of("partition", "levels", "soft-target-weight", "0");
    }
}
