package ${package};

import io.hdkd.api.DistillationLossFactory;
import io.hdkd.testkit.DistillationLossContract;

/**
 * hdkd's contract for distillation losses (hdkd-testkit): options described, a finite 0-d scalar, no gradient into
 * the teacher, the loss falls as the student trains on a fixed batch, no arrays left in long-lived managers. Add
 * your own tests of the loss's values next to it.
 */
class AttentionLossContractTest extends DistillationLossContract {

    @Override
    protected DistillationLossFactory factory() {
        return new AttentionLossFactory();
    }
}
