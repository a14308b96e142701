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
            CornerTargets t = CornerTargets.build(List.of(image), numClasses(), h, w, STRIDE, 0.3, m);
            int plane = h * w;
            float[] tlEmb = new float[plane];
            float[] brEmb = new float[plane];
            Arrays.fill(tlEmb, 5f);
            Arrays.fill(brEmb, -5f);
            float[] tlOff = new float[2 * plane];
            float[] brOff = new float[2 * plane];
            for (int k = 0; k < t.numObjects(); k++) {
                tlEmb[t.tlCell()[k]] = 2 * k;
                brEmb[t.brCell()[k]] = 2 * k;
                tlOff[t.tlCell()[k]] = t.tlOffset()[2 * k];
                tlOff[plane + t.tlCell()[k]] = t.tlOffset()[2 * k + 1];
                brOff[t.brCell()[k]] = t.brOffset()[2 * k];
                brOff[plane + t.brCell()[k]] = t.brOffset()[2 * k + 1];
            }
            Shape one = new Shape(1, 1, h, w);
            Shape two = new Shape(1, 2, h, w);
            perImage[0].add(logit(t.tlHeatmap()));
            perImage[1].add(logit(t.brHeatmap()));
            perImage[2].add(m.create(tlEmb, one));
            perImage[3].add(m.create(brEmb, one));
            perImage[4].add(m.create(tlOff, two));
            perImage[5].add(m.create(brOff, two));
        }
        NDList out = new NDList();
        for (NDList parts : perImage) {
            out.add(NDArrays.concat(parts, 0));
        }
        return out;
    }

    private static NDArray logit(NDArray probability) {
        NDArray p = probability.clip(1e-6f, 1 - 1e-6f);
        return p.div(p.neg().add(1f)).log();
    }
}
