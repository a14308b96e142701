package io.hdkd.plugin.cornernet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hdkd.api.ImageTargets;
import java.util.Arrays;
import java.util.List;

/**
 * The raw outputs a perfect CornerNet head gives for one image's boxes on an {@code h x w} corner map: heatmap logits
 * of the Gaussian targets, embeddings equal to the object's index at its corners and far apart elsewhere (+5 for
 * top-left, −5 for bottom-right, so no stray pair groups), offsets equal to the targets at the corners.
 */
final class PerfectOutputs {

    private PerfectOutputs() {}

    static NDList of(NDManager m, ImageTargets image, int classes, int h, int w, int stride) {
        CornerTargets t = CornerTargets.build(List.of(image), classes, h, w, stride, 0.3, m);
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
        return new NDList(logit(t.tlHeatmap()), logit(t.brHeatmap()), m.create(tlEmb, one), m.create(brEmb, one),
                m.create(tlOff, two), m.create(brOff, two));
    }

    private static NDArray logit(NDArray probability) {
        NDArray p = probability.clip(1e-6f, 1 - 1e-6f);
        return p.div(p.neg().add(1f)).log();
    }
}
