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
     * {@link #focal} for soft targets (SPI 2): at each peak cell of strength {@code s} (a scored box's corner), the
     * quality-focal form {@code |s - p|^α BCE(p, s)}, which pulls {@code p} toward {@code s} and equals the positive
     * term above at {@code s = 1}; elsewhere the same penalty-reduced negative term on the scaled Gaussians. Divided by
     * {@code max(weight, 1e-6)}, the sum of the boxes' scores (their number, for ground truth).
     *
     * @param target the Gaussians, each scaled by its box's score
     * @param peak each box's score at its corner cell, 0 elsewhere
     */
    static NDArray softFocal(NDArray logits, NDArray target, NDArray peak, double weight) {
        NDArray p = Activation.sigmoid(logits);
        NDArray log1mP = Activation.softPlus(logits).neg();
        NDArray positive = peak.gt(0f).toType(DataType.FLOAT32, false);
        NDArray negative = positive.neg().add(1f);
        NDArray bce = Scalars.maximum(logits, 0).sub(logits.mul(peak)).add(logits.abs().neg().exp().add(1f).log());
        NDArray posLoss = bce.mul(Scalars.pow(p.sub(peak).abs(), ALPHA)).mul(positive);
        NDArray negLoss = log1mP.mul(Scalars.pow(p, ALPHA)).mul(Scalars.pow(target.neg().add(1f), BETA)).mul(negative)
                .neg();
        return Scalars.div(posLoss.add(negLoss).sum(), Math.max(weight, 1e-6));
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
        return pullSum(tl, br, image, null);
    }

    /**
     * {@link #pullSum} with object k weighted by {@code score[k] / (sum of its image's scores)} instead of
     * 1 / (objects of its image); the same for scores of 1.
     */
    static NDArray pullSum(NDArray tl, NDArray br, int[] image, float[] score) {
        int m = image.length;
        if (m == 0) {
            return tl.sum();
        }
        float[] weight = new float[m];
        if (score == null) {
            int[] count = countPerImage(image);
            for (int k = 0; k < m; k++) {
                weight[k] = 1f / count[image[k]];
            }
        } else {
            double[] sum = new double[countPerImage(image).length];
            for (int k = 0; k < m; k++) {
                sum[image[k]] += score[k];
            }
            for (int k = 0; k < m; k++) {
                weight[k] = (float) (score[k] / sum[image[k]]);
            }
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
        return pushSum(tl, br, image, null, margin);
    }

    /**
     * {@link #pushSum} with the pair (k, j) weighted by {@code s_k s_j} over the sum of that product across its
     * image's pairs, instead of 1 / (M_i (M_i - 1)); the same for scores of 1.
     */
    static NDArray pushSum(NDArray tl, NDArray br, int[] image, float[] score, float margin) {
        int m = image.length;
        int[] count = countPerImage(image);
        float[] weight = new float[m * m];
        double[] pairSum = new double[count.length];
        boolean any = false;
        for (int k = 0; k < m; k++) {
            for (int j = 0; j < m; j++) {
                if (k != j && image[k] == image[j]) {
                    if (score == null) {
                        int c = count[image[k]];
                        weight[k * m + j] = 1f / (c * (c - 1f));
                    } else {
                        weight[k * m + j] = score[k] * score[j];
                        pairSum[image[k]] += score[k] * score[j];
                    }
                    any = true;
                }
            }
        }
        if (score != null) {
            for (int k = 0; k < m; k++) {
                for (int j = 0; j < m; j++) {
                    if (weight[k * m + j] > 0) {
                        weight[k * m + j] = (float) (weight[k * m + j] / pairSum[image[k]]);
                    }
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
        return smoothL1(prediction, target).sum();
    }

    /** Smooth L1 with each element's term multiplied by {@code weight} (same shape), summed. */
    static NDArray smoothL1WeightedSum(NDArray prediction, NDArray target, NDArray weight) {
        return smoothL1(prediction, target).mul(weight).sum();
    }

    private static NDArray smoothL1(NDArray prediction, NDArray target) {
        NDArray diff = prediction.sub(target).abs();
        NDArray quadratic = Scalars.mul(diff.square(), 0.5);
        NDArray linear = diff.sub(0.5f);
        return diff.lt(1f).toType(DataType.FLOAT32, false).mul(quadratic)
                .add(diff.gte(1f).toType(DataType.FLOAT32, false).mul(linear));
    }
}
