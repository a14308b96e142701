package io.hdkd.api.head;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Activation;
import io.hdkd.api.Scalars;

/**
 * The sigmoid focal loss of Lin et al. 2017 (torchvision's {@code sigmoid_focal_loss}, reduction none):
 * {@code alpha_t (1 - p_t)^gamma CE(p, t)} for targets {@code t} in {@code [0, 1]}, as RetinaNet and FCOS use it.
 *
 * <p>Written in log space to stay finite for any logit: with {@code z = x (1 - 2t)} (the logit signed so that large
 * {@code z} means a wrong, confident prediction), {@code CE = softplus(z)} and {@code 1 - p_t = sigmoid(z) =
 * exp(z - softplus(z))}, so the modulating factor is {@code exp(gamma (z - CE))}. softplus is libtorch's fused,
 * stable operator (one operation and one backward instead of the seven of {@code max(z, 0) + log(1 + exp(-|z|))}):
 * the loss runs on every anchor and class, {@code N x K x C}, tens of millions of elements a step for RetinaNet at
 * 512 px, where each elementwise operation and its backward costs milliseconds. Safe under autograd (see
 * {@link Scalars}).
 */
public final class FocalLoss {

    private FocalLoss() {}

    /**
     * @param logits any shape
     * @param targets the same shape, 0 or 1 (no gradient)
     * @param alpha weight of positives, {@code 1 - alpha} of negatives; negative: no weighting
     * @param gamma the focusing exponent; 0 gives (weighted) binary cross-entropy
     * @return the elementwise loss, same shape
     */
    public static NDArray sigmoidFocal(NDArray logits, NDArray targets, double alpha, double gamma) {
        NDArray z = logits.mul(targets.mul(-2f).add(1f));
        NDArray ce = Activation.softPlus(z);
        NDArray loss = ce;
        if (gamma != 0) {
            loss = loss.mul(Scalars.mul(z.sub(ce), gamma).exp());
        }
        if (alpha >= 0) {
            NDArray alphaT = targets.mul((float) (2 * alpha - 1)).add((float) (1 - alpha));
            loss = loss.mul(alphaT);
        }
        return loss;
    }

    /**
     * The focal loss for soft targets {@code t} in {@code [0, 1]} (quality focal loss, Li et al. 2020, with
     * RetinaNet's alpha): {@code alpha_t |t - p|^gamma BCE(p, t)}, {@code alpha_t = alpha t + (1 - alpha)(1 - t)}.
     * At {@code t = 0} and {@code t = 1} it equals {@link #sigmoidFocal} up to rounding; in between it pulls
     * {@code p} toward {@code t} rather than toward 1, so a teacher's score of 0.6 asks for 0.6. SPI 2.
     *
     * @param targets the same shape as {@code logits}, in {@code [0, 1]} (no gradient)
     * @param alpha weight of targets 1, {@code 1 - alpha} of targets 0; negative: no weighting
     */
    public static NDArray softSigmoidFocal(NDArray logits, NDArray targets, double alpha, double gamma) {
        NDArray loss = sigmoidBinaryCrossEntropy(logits, targets);
        if (gamma != 0) {
            NDArray distance = Activation.sigmoid(logits).sub(targets).abs();
            loss = loss.mul(Scalars.pow(distance, gamma));
        }
        if (alpha >= 0) {
            loss = loss.mul(targets.mul((float) (2 * alpha - 1)).add((float) (1 - alpha)));
        }
        return loss;
    }

    /**
     * Binary cross-entropy with logits, elementwise, for soft targets in {@code [0, 1]} (e.g. FCOS's centerness):
     * {@code max(x, 0) - x t + log(1 + exp(-|x|))}, finite for any logit.
     */
    public static NDArray sigmoidBinaryCrossEntropy(NDArray logits, NDArray targets) {
        return Scalars.maximum(logits, 0).sub(logits.mul(targets)).add(logits.abs().neg().exp().add(1f).log());
    }
}
