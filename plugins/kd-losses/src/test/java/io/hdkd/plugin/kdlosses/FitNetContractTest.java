package io.hdkd.plugin.kdlosses;

import io.hdkd.api.DistillationLossFactory;
import io.hdkd.testkit.DistillationLossContract;

/** The testkit's loss contract between the default student (8 channels) and teacher (16 channels) levels p3, p4. */
class FitNetContractTest extends DistillationLossContract {

    @Override
    protected DistillationLossFactory factory() {
        return new FitNetLossFactory();
    }
}
