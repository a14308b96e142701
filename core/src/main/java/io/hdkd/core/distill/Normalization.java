package io.hdkd.core.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Arrays;

/**
 * Per-channel input normalisation {@code (pixel - mean) / std}, mean and std in 0..255 pixel units (as MMDetection
 * writes them). Used to re-normalise the student's input for a teacher trained with other statistics.
 */
public record Normalization(float[] mean, float[] std) {

    /** ImageNet statistics in 0..255 units, as torchvision and MMDetection use them. */
    public static final Normalization IMAGENET =
            new Normalization(new float[] {123.675f, 116.28f, 103.53f}, new float[] {58.395f, 57.12f, 57.375f});

    public Normalization {
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 values each");
        }
        mean = mean.clone();
        std = std.clone();
    }

    /**
     * Maps {@code x}, normalised with {@code this}, to the same pixels normalised with {@code target}:
     * {@code ((x * std + mean) - mean') / std'}, computed as one affine map per channel.
     */
    public NDArray convert(NDArray x, Normalization target) {
        if (equals(target)) {
            return x;
        }
        float[] scale = new float[3];
        float[] shift = new float[3];
        for (int c = 0; c < 3; c++) {
            scale[c] = std[c] / target.std[c];
            shift[c] = (mean[c] - target.mean[c]) / target.std[c];
        }
        NDManager m = x.getManager();
        return x.mul(m.create(scale, new Shape(1, 3, 1, 1))).add(m.create(shift, new Shape(1, 3, 1, 1)));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Normalization n && Arrays.equals(mean, n.mean) && Arrays.equals(std, n.std);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(mean) + Arrays.hashCode(std);
    }

    @Override
    public String toString() {
        return "mean " + Arrays.toString(mean) + ", std " + Arrays.toString(std);
    }
}
