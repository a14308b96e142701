package com.example.fcos;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hdkd.api.DetectorHead;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.HeadFactory;
import io.hdkd.api.ImageTargets;
import io.hdkd.testkit.HeadContract;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * hdkd's head contract (hdkd-testkit) on a small FCOS head: 2 convs per tower, 4 GroupNorm groups, over the
 * contract's p3-p5.
 */
class FcosContractTest extends HeadContract {

    @Override
    protected HeadFactory factory() {
        return new FcosHeadFactory();
    }

    @Override
    protected Map<String, String> options() {
        return Map.of("num-convs", "2", "gn-groups", "4");
    }

    /**
     * Each box is predicted by the p3 location nearest its centre: class logit 10 there (-10 everywhere else), the
     * exact distances from the location's point (x + 1/2, y + 1/2) * stride to the box's sides, centerness logit 10.
     */
    @Override
    protected NDList perfectOutputs(DetectorHead head, NDManager m, List<ImageTargets> targets, Shape inputShape) {
        int n = targets.size();
        int classes = numClasses();
        NDList cls = new NDList();
        NDList box = new NDList();
        NDList ctr = new NDList();
        for (int l = 0; l < inputLevels().size(); l++) {
            FeatureLevel level = inputLevels().get(l);
            int w = (int) ((inputShape.get(1) + level.stride() - 1) / level.stride());
            int h = (int) ((inputShape.get(0) + level.stride() - 1) / level.stride());
            float[] logits = new float[n * h * w * classes];
            float[] distances = new float[n * h * w * 4];
            Arrays.fill(logits, -10f);
            Arrays.fill(distances, 1f);
            float[] centerness = new float[n * h * w];
            Arrays.fill(centerness, -10f);
            if (l == 0) {
                for (int i = 0; i < n; i++) {
                    float[] boxes = targets.get(i).boxes().toFloatArray();
                    int[] labels = targets.get(i).labels().toIntArray();
                    for (int b = 0; b < labels.length; b++) {
                        float cx = (boxes[4 * b] + boxes[4 * b + 2]) / 2;
                        float cy = (boxes[4 * b + 1] + boxes[4 * b + 3]) / 2;
                        int x = (int) (cx / level.stride());
                        int y = (int) (cy / level.stride());
                        float px = (x + 0.5f) * level.stride();
                        float py = (y + 0.5f) * level.stride();
                        int row = i * h * w + y * w + x;
                        logits[row * classes + labels[b]] = 10f;
                        distances[4 * row] = px - boxes[4 * b];
                        distances[4 * row + 1] = py - boxes[4 * b + 1];
                        distances[4 * row + 2] = boxes[4 * b + 2] - px;
                        distances[4 * row + 3] = boxes[4 * b + 3] - py;
                        centerness[row] = 10f;
                    }
                }
            }
            cls.add(m.create(logits, new Shape(n, (long) h * w, classes)));
            box.add(m.create(distances, new Shape(n, (long) h * w, 4)));
            ctr.add(m.create(centerness, new Shape(n, (long) h * w, 1)));
        }
        NDList out = new NDList();
        out.addAll(cls);
        out.addAll(box);
        out.addAll(ctr);
        return out;
    }
}
