package io.hdkd.testkit;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.ImageTargets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Deterministic inputs for the contracts (and for a plugin's own {@code perfectOutputs}). */
public final class Tensors {

    private Tensors() {}

    /** Standard normal values drawn from {@code seed} with java.util.Random: the same on every engine and thread. */
    public static NDArray gaussian(NDManager manager, Shape shape, long seed) {
        Random random = new Random(seed);
        float[] v = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return manager.create(v, shape);
    }

    /** The spatial size of a level of {@code stride} on an input of {@code inputShape} (H, W): rounded up. */
    public static Shape levelSize(Shape inputShape, int stride) {
        return new Shape((inputShape.get(0) + stride - 1) / stride, (inputShape.get(1) + stride - 1) / stride);
    }

    /** One {@code batch x C x H/s x W/s} map per level, each from its own seed. */
    public static NDList features(NDManager manager, List<FeatureLevel> levels, int batch, Shape inputShape,
            long seed) {
        NDList out = new NDList();
        for (int i = 0; i < levels.size(); i++) {
            FeatureLevel l = levels.get(i);
            Shape hw = levelSize(inputShape, l.stride());
            out.add(gaussian(manager, new Shape(batch, l.channels(), hw.get(0), hw.get(1)), seed * 31 + i));
        }
        return out;
    }

    /** Ground truth for one image: {@code boxes} as {@code x1, y1, x2, y2} rows, one label each. */
    public static ImageTargets targets(NDManager manager, float[][] boxes, int[] labels) {
        float[] flat = new float[boxes.length * 4];
        for (int i = 0; i < boxes.length; i++) {
            System.arraycopy(boxes[i], 0, flat, 4 * i, 4);
        }
        return new ImageTargets(manager.create(flat, new Shape(boxes.length, 4)), manager.create(labels));
    }

    /**
     * The contracts' default ground truth on a 64 x 64 input: image 0 holds two separate boxes of classes 0 and 2,
     * image 1 one box of class 1 (for {@code numClasses >= 3}; labels are taken modulo {@code numClasses}).
     */
    public static List<ImageTargets> defaultTargets(NDManager manager, int numClasses) {
        List<ImageTargets> out = new ArrayList<>();
        out.add(targets(manager, new float[][] {{4, 6, 28, 30}, {34, 30, 62, 60}}, new int[] {0, 2 % numClasses}));
        out.add(targets(manager, new float[][] {{12, 10, 50, 46}}, new int[] {1 % numClasses}));
        return out;
    }

    /** True if every element is finite. */
    public static boolean allFinite(NDArray a) {
        for (float f : a.toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray()) {
            if (!Float.isFinite(f)) {
                return false;
            }
        }
        return true;
    }
}
