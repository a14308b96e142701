package io.hdkd.plugin.kdlosses;

import io.hdkd.api.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** The per-level formulas of the feature losses; both maps are {@code N x C x H x W} of equal shape. */
public final class FeatureLosses {

    /** Guards the standardisation of (nearly) constant channels. */
    public static final double PKD_EPS = 1e-6;

    private FeatureLosses() {}

    /** FitNet hint: {@code mean((s - t)^2)} over N, C, H, W. Scale: the teacher features' own (squared) scale. */
    public static NDArray fitnet(NDArray student, NDArray teacher) {
        return FeatureMaps.mse(student, teacher);
    }

    /**
     * PKD: both maps standardised per channel over (N, H, W) (biased variance), then {@code mean((s' - t')^2) / 2},
     * which equals {@code 1 - mean over channels of Pearson r(s_c, t_c)}: 0 for perfectly correlated features, 1 for
     * uncorrelated, at most 2.
     */
    public static NDArray pkd(NDArray student, NDArray teacher) {
        NDArray s = FeatureMaps.standardise(student, PKD_EPS);
        NDArray t = FeatureMaps.standardise(teacher, PKD_EPS);
        return Scalars.div(FeatureMaps.mse(s, t), 2);
    }

    /**
     * CWD: each channel's map turned into a distribution over its H*W positions, {@code softmax(x / tau)}; then
     * {@code tau^2 / (N * C) * sum over (n, c) of KL(p_t || p_s)}. Between 0 and about {@code tau^2 * log(H * W)}.
     */
    public static NDArray cwd(NDArray student, NDArray teacher, double tau) {
        Shape shape = teacher.getShape();
        long rows = shape.get(0) * shape.get(1);
        long positions = shape.get(2) * shape.get(3);
        NDArray logPs = Scalars.div(student.reshape(rows, positions), tau).logSoftmax(1);
        NDArray logPt = Scalars.div(teacher.reshape(rows, positions), tau).logSoftmax(1);
        NDArray kl = logPt.exp().mul(logPt.sub(logPs)).sum();
        return Scalars.mul(kl, tau * tau / rows);
    }
}
