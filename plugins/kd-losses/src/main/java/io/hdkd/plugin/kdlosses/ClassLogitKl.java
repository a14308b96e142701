package io.hdkd.plugin.kdlosses;

import io.hdkd.api.Scalars;
import ai.djl.ndarray.NDArray;

/**
 * Soft-target KL divergences computed from logits, without the {@code T^2} factor and without reduction, so that the
 * loss can pool or average them.
 */
public final class ClassLogitKl {

    private ClassLogitKl() {}

    /**
     * Binary (per-class, sigmoid) KL, elementwise: with {@code p = sigmoid(z / T)},
     * {@code p_t log(p_t / p_s) + (1 - p_t) log((1 - p_t) / (1 - p_s))}, from log-sigmoids so that logits of any size
     * stay finite.
     */
    public static NDArray binaryMap(NDArray studentLogits, NDArray teacherLogits, double temperature) {
        NDArray a = Scalars.div(teacherLogits, temperature);
        NDArray b = Scalars.div(studentLogits, temperature);
        NDArray logPt = logSigmoid(a);
        NDArray logQt = logSigmoid(a.neg());
        NDArray logPs = logSigmoid(b);
        NDArray logQs = logSigmoid(b.neg());
        return logPt.exp().mul(logPt.sub(logPs)).add(logQt.exp().mul(logQt.sub(logQs)));
    }

    /**
     * Softmax KL over the last axis (classes + background), one value per position:
     * {@code sum_k p_t,k (log p_t,k - log p_s,k)} with {@code p = softmax(z / T)}.
     */
    public static NDArray softmaxMap(NDArray studentLogits, NDArray teacherLogits, double temperature) {
        NDArray logPt = Scalars.div(teacherLogits, temperature).logSoftmax(-1);
        NDArray logPs = Scalars.div(studentLogits, temperature).logSoftmax(-1);
        return logPt.exp().mul(logPt.sub(logPs)).sum(new int[] {-1});
    }

    /** {@code log(sigmoid(x)) = -softplus(-x) = -(max(-x, 0) + log(1 + exp(-|x|)))}: no overflow for any x. */
    static NDArray logSigmoid(NDArray x) {
        NDArray softplusOfNeg = Scalars.maximum(x.neg(), 0).add(x.abs().neg().exp().add(1).log());
        return softplusOfNeg.neg();
    }
}
