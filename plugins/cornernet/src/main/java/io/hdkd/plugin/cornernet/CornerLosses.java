package io.hdkd.plugin.cornernet;

import io.hdkd.api.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

/** CornerNet's loss terms as array functions, so they can be tested against scalar formulas. */
final class CornerLosses {

    /** The focal exponent on (1 - p) at positives and on p at negatives. */
    static final int ALPHA = 2;
    /** The exponent on (1 - y) that softens the penalty near a ground-truth corner. */
    static final int BETA = 4;

    private CornerLosses() {}

    /**
     * CornerNet's variant of focal loss on sigmoid heatmaps, summed over all cells and divided by
     * {@code max(numObjects, 1)}:
     * {@code -Σ [y=1] (1-p)^α log p + [y<1] (1-y)^β p^α log(1-p)}.
     * log p and log(1 - p) are computed as −softplus(∓x) so saturated logits give finite losses and gradients
     * (the reference clamps p to [1e-4, 1 - 1e-4] instead).
     *
     * @param logits heatmap logits, any shape
     * @param target the Gaussian target of the same shape, exactly 1 at corners
     */
    static NDArray focal(NDArray logits, NDArray target, int numObjects) {
        NDArray p = Activation.sigmoid(logits);
        NDArray logP = Activation.softPlus(logits.neg()).neg();
        NDArray log1mP = Activation.softPlus(logits).neg();
        NDArray positive = target.eq(1f).toType(DataType.FLOAT32, false);
        NDArray negative = positive.neg().add(1f);
        NDArray posLoss = logP.mul(Scalars.pow(p.neg().add(1f), ALPHA)).mul(positive);
        NDArray negLoss = log1mP.mul(Scalars.pow(p, ALPHA)).mul(Scalars.pow(target.neg().add(1f), BETA)).mul(negative);
        return Scalars.div(posLoss.add(negLoss).sum().neg(), Math.max(numObjects, 1));
    }

    /**
     * The pull (grouping) loss of one image: {@code 1/M Σ_k (e_tk − e_k)² + (e_bk − e_k)²} with
     * {@code e_k = (e_tk + e_bk) / 2}; zero without objects.
     *
     * @param tl top-left embeddings of the M objects, shape (M)
     * @param br bottom-right embeddings, shape (M)
     */
    static NDArray pull(NDArray tl, NDArray br) {
        long m = tl.getShape().get(0);
        if (m == 0) {
            return tl.sum();
        }
        NDArray mean = Scalars.div(tl.add(br), 2);
        return Scalars.div(tl.sub(mean).square().add(br.sub(mean).square()).sum(), m);
    }

    /**
     * The push (separating) loss of one image: {@code 1/(M(M−1)) Σ_k Σ_{j≠k} max(0, margin − |e_k − e_j|)} over the
     * objects' mean embeddings; zero with fewer than two objects.
     */
    static NDArray push(NDArray tl, NDArray br, float margin) {
        long m = tl.getShape().get(0);
        if (m < 2) {
            return Scalars.mul(tl.sum(), 0);
        }
        NDArray mean = Scalars.div(tl.add(br), 2);
        NDArray distance = mean.expandDims(1).sub(mean.expandDims(0)).abs();
        NDArray hinge = Activation.relu(distance.neg().add(margin));
        NDArray offDiagonal = hinge.getManager().eye((int) m).neg().add(1f).toType(hinge.getDataType(), false);
        return Scalars.div(hinge.mul(offDiagonal).sum(), m * (m - 1));
    }

    /**
     * {@link #pull} of every image of a batch, summed over images, in one set of array ops: object k's squared
     * deviations are weighted by 1 / (objects of its image).
     *
     * @param image per object, its image in the batch (objects of one image need not be contiguous)
     */
    static NDArray pullSum(NDArray tl, NDArray br, int[] image) {
        int m = image.length;
        if (m == 0) {
            return tl.sum();
        }
        int[] count = countPerImage(image);
        float[] weight = new float[m];
        for (int k = 0; k < m; k++) {
            weight[k] = 1f / count[image[k]];
        }
        NDArray mean = Scalars.div(tl.add(br), 2);
        NDArray deviation = tl.sub(mean).square().add(br.sub(mean).square());
        return deviation.mul(tl.getManager().create(weight)).sum();
    }

    /**
     * {@link #push} of every image of a batch, summed over images, in one set of array ops: all M x M pairs, masked
     * to distinct objects of the same image and weighted by 1 / (M_i (M_i − 1)).
     */
    static NDArray pushSum(NDArray tl, NDArray br, int[] image, float margin) {
        int m = image.length;
        int[] count = countPerImage(image);
        float[] weight = new float[m * m];
        boolean any = false;
        for (int k = 0; k < m; k++) {
            for (int j = 0; j < m; j++) {
                if (k != j && image[k] == image[j]) {
                    int c = count[image[k]];
                    weight[k * m + j] = 1f / (c * (c - 1f));
                    any = true;
                }
            }
        }
        if (!any) {
            return Scalars.mul(tl.sum(), 0);
        }
        NDArray mean = Scalars.div(tl.add(br), 2);
        NDArray distance = mean.expandDims(1).sub(mean.expandDims(0)).abs();
        NDArray hinge = Activation.relu(distance.neg().add(margin));
        return hinge.mul(tl.getManager().create(weight, new Shape(m, m))).sum();
    }

    private static int[] countPerImage(int[] image) {
        int images = 0;
        for (int i : image) {
            images = Math.max(images, i + 1);
        }
        int[] count = new int[images];
        for (int i : image) {
            count[i]++;
        }
        return count;
    }

    /** Smooth L1 (Huber with β = 1, as in the paper) summed over all elements. */
    static NDArray smoothL1Sum(NDArray prediction, NDArray target) {
        NDArray diff = prediction.sub(target).abs();
        NDArray quadratic = Scalars.mul(diff.square(), 0.5);
        NDArray linear = diff.sub(0.5f);
        return diff.lt(1f).toType(DataType.FLOAT32, false).mul(quadratic)
                .add(diff.gte(1f).toType(DataType.FLOAT32, false).mul(linear)).sum();
    }
}
