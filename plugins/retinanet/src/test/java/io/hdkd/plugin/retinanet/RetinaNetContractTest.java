package io.hdkd.plugin.retinanet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hdkd.api.DetectorHead;
import io.hdkd.api.HeadFactory;
import io.hdkd.api.ImageTargets;
import io.hdkd.api.head.Boxes;
import io.hdkd.testkit.HeadContract;
import java.util.List;
import java.util.Map;

/** The testkit's head contract on a small RetinaNet (2 convs per tower) over p3-p5. */
class RetinaNetContractTest extends HeadContract {

    @Override
    protected HeadFactory factory() {
        return new RetinaNetHeadFactory();
    }

    @Override
    protected Map<String, String> options() {
        return Map.of("num-convs", "2");
    }

    /**
     * Each target's best anchor gets a class logit of 10 and the exact box deltas; every other logit is -10. The
     * defaults' box weights are (1, 1, 1, 1).
     */
    @Override
    protected NDList perfectOutputs(DetectorHead h, NDManager m, List<ImageTargets> targets, Shape inputShape) {
        RetinaNetHead head = (RetinaNetHead) h;
        NDList levels = head.anchors(m, inputShape);
        NDArray anchors = NDArrays.concat(levels, 0);
        long rows = anchors.getShape().get(0);
        int classes = numClasses();
        NDList cls = new NDList();
        NDList box = new NDList();
        BoxCoder coder = new BoxCoder(new double[] {1, 1, 1, 1});
        for (ImageTargets t : targets) {
            float[] logits = new float[Math.toIntExact(rows * classes)];
            java.util.Arrays.fill(logits, -10f);
            float[] deltas = new float[Math.toIntExact(rows * 4)];
            long[] best = Boxes.iouMatrix(anchors, t.boxes()).argMax(0).toLongArray();
            float[] exact = coder.encode(t.boxes(), anchors.get(m.create(best))).toFloatArray();
            int[] labels = t.labels().toIntArray();
            for (int g = 0; g < best.length; g++) {
                logits[Math.toIntExact(best[g] * classes + labels[g])] = 10f;
                System.arraycopy(exact, 4 * g, deltas, Math.toIntExact(4 * best[g]), 4);
            }
            cls.add(m.create(logits, new Shape(rows, classes)));
            box.add(m.create(deltas, new Shape(rows, 4)));
        }
        NDArray allCls = NDArrays.stack(cls);
        NDArray allBox = NDArrays.stack(box);
        NDList cs = new NDList();
        NDList bs = new NDList();
        long start = 0;
        for (NDArray level : levels) {
            long n = level.getShape().get(0);
            cs.add(allCls.get(":, " + start + ":" + (start + n)));
            bs.add(allBox.get(":, " + start + ":" + (start + n)));
            start += n;
        }
        cs.addAll(bs);
        return cs;
    }
}
