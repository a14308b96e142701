package io.hdkd.plugin.retinanet;

import io.hdkd.api.Scalars;
import ai.djl.ndarray.NDArray;

/**
 * The sigmoid focal loss of Lin et al. (torchvision's {@code sigmoid_focal_loss}, reduction none):
 * {@code alpha_t (1 - p_t)^gamma CE(p, t)} for binary targets {@code t}.
 *
 * <p>Written in log space to stay finite for any logit: with {@code z = x (1 - 2t)} (the logit signed so that large
 * {@code z} means a wrong, confident prediction), {@code CE = softplus(z)} and {@code 1 - p_t = sigmoid(z) =
 * exp(-softplus(-z))}, so the modulating factor is {@code exp(-gamma softplus(-z))}; softplus uses
 * {@code max(z, 0) + log(1 + exp(-|z|))}, whose exp never overflows.
 */
final class FocalLoss {

    private FocalLoss() {}

    /**
     * @param logits any shape
     * @param targets the same shape, 0 or 1
     * @param alpha weight of positives, {@code 1 - alpha} of negatives; negative: no weighting
     * @return the elementwise loss, same shape
     */
    static NDArray sigmoidFocal(NDArray logits, NDArray targets, double alpha, double gamma) {
        NDArray z = logits.mul(targets.mul(-2f).add(1f));
        NDArray logTerm = z.abs().neg().exp().add(1f).log();
        NDArray ce = Scalars.maximum(z, 0).add(logTerm);
        NDArray loss = ce;
        if (gamma != 0) {
            NDArray softplusNegZ = Scalars.maximum(z.neg(), 0).add(logTerm);
            loss = loss.mul(Scalars.mul(softplusNegZ, -gamma).exp());
        }
        if (alpha >= 0) {
            NDArray alphaT = targets.mul((float) (2 * alpha - 1)).add((float) (1 - alpha));
            loss = loss.mul(alphaT);
        }
        return loss;
    }
}
