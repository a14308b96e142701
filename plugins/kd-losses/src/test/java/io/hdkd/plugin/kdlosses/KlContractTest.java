package io.hdkd.plugin.kdlosses;

import ai.djl.ndarray.types.Shape;
import io.hdkd.api.DistillationLossFactory;
import io.hdkd.api.DistillationPair;
import io.hdkd.api.HeadOutput;
import io.hdkd.api.OutputKind;
import java.util.List;

/** The testkit's loss contract for soft-target KL between two RetinaNet-like heads' class logits on p3. */
class KlContractTest extends io.hdkd.testkit.DistillationLossContract {

    private static final HeadOutput CLS = new HeadOutput("cls_p3", OutputKind.CLASS_LOGITS_SIGMOID, 8);

    @Override
    protected DistillationLossFactory factory() {
        return new SoftTargetKlLossFactory();
    }

    @Override
    protected DistillationPair pair() {
        DistillationPair features = super.pair();
        return new DistillationPair(features.studentLevels(), features.teacherLevels(), List.of(CLS), List.of(CLS),
                "retinanet", "retinanet");
    }

    /** N x (8 x 8 locations x 9 anchors) x 3 classes on the 64 x 64 input. */
    @Override
    protected Shape outputShape(HeadOutput output, boolean teacher, int batch) {
        return new Shape(batch, 8 * 8 * 9, numClasses());
    }
}
