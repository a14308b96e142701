package io.hdkd.plugin.kdlosses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** Array helpers shared by the feature losses. All inputs are {@code N x C x H x W}. */
final class FeatureMaps {

    /**
     * Mode code of bilinear interpolation in DJL's {@code NDArrayEx#interpolation} on the PyTorch engine, as measured
     * with DJL 0.36 (0 nearest, 1 bilinear, 3 bicubic; 2 also gave nearest). FeatureLossesTest pins it down.
     */
    private static final int BILINEAR = 1;

    private FeatureMaps() {}

    /**
     * {@code x} resized bilinearly (align_corners = false, as torch's F.interpolate) to {@code height x width}; {@code x}
     * itself if it already has that size. Differentiable.
     */
    static NDArray resize(NDArray x, long height, long width) {
        Shape s = x.getShape();
        if (s.get(2) == height && s.get(3) == width) {
            return x;
        }
        return x.getNDArrayInternal().interpolation(new long[] {height, width}, BILINEAR, false);
    }

    /**
     * Each channel standardised over (N, H, W): zero mean, unit (biased) variance, {@code eps} guarding flat channels.
     * Returned as {@code C x (N*H*W)} (the engine reduces over one axis at a time), so compare only like with like.
     */
    static NDArray standardise(NDArray x, double eps) {
        long channels = x.getShape().get(1);
        NDArray rows = x.transpose(1, 0, 2, 3).reshape(channels, -1);
        NDArray centred = rows.sub(rows.mean(new int[] {1}, true));
        NDArray variance = centred.square().mean(new int[] {1}, true);
        return centred.div(variance.add(eps).sqrt());
    }

    /**
     * Each channel standardised over (N, H, W) as {@link #standardise}, kept as {@code N x C x H x W}: the means are
     * taken one axis at a time (equal sizes along each axis make the mean of means the overall mean).
     */
    static NDArray standardiseEach(NDArray x, double eps) {
        NDArray mean = x.mean(new int[] {3}, true).mean(new int[] {2}, true).mean(new int[] {0}, true);
        NDArray centred = x.sub(mean);
        NDArray variance = centred.square().mean(new int[] {3}, true).mean(new int[] {2}, true)
                .mean(new int[] {0}, true);
        return centred.div(variance.add(eps).sqrt());
    }

    /** Mean squared difference over all elements. */
    static NDArray mse(NDArray a, NDArray b) {
        return a.sub(b).square().mean();
    }

    static void requireSameShape(String what, NDArray student, NDArray teacher) {
        if (!student.getShape().equals(teacher.getShape())) {
            throw new IllegalStateException(what + ": student " + student.getShape() + " vs teacher "
                    + teacher.getShape() + " after adaptation; the taps do not have the channels the pair declared");
        }
    }
}
