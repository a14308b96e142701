package io.hdkd.plugin.cornernet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hdkd.api.DetectorHead;
import io.hdkd.api.HeadFactory;
import io.hdkd.api.ImageTargets;
import io.hdkd.testkit.HeadContract;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** The testkit's head contract on a narrow CornerNet head reading p3. */
class CornerNetContractTest extends HeadContract {

    private static final int STRIDE = 8;

    @Override
    protected HeadFactory factory() {
        return new CornerNetHeadFactory();
    }

    @Override
    protected Map<String, String> options() {
        return Map.of("channels", "16");
    }

    /**
     * Per image: heatmap logits of the Gaussian targets, embeddings equal to the object's index at its corners and
     * far apart elsewhere (+5 top-left, -5 bottom-right, so no stray pair groups), offsets equal to the targets.
     */
    @Override
    protected NDList perfectOutputs(DetectorHead head, NDManager m, List<ImageTargets> targets, Shape inputShape) {
        int h = Math.toIntExact(inputShape.get(0) / STRIDE);
        int w = Math.toIntExact(inputShape.get(1) / STRIDE);
        NDList[] perImage = new NDList[6];
        for (int i = 0; i < 6; i++) {
            perImage[i] = new NDList();
        }
        for (ImageTargets image : targets) {
            NDList one = PerfectOutputs.of(m, image, numClasses(), h, w, STRIDE);
            for (int i = 0; i < 6; i++) {
                perImage[i].add(one.get(i));
            }
        }
        NDList out = new NDList();
        for (NDList parts : perImage) {
            out.add(NDArrays.concat(parts, 0));
        }
        return out;
    }
}
