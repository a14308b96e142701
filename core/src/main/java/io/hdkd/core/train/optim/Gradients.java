package io.hdkd.core.train.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import java.util.List;

/** Gradient helpers shared by the optimizers and the trainer. */
public final class Gradients {

    private Gradients() {}

    /** True if the parameter takes part in training and received a gradient in the last backward pass. */
    public static boolean hasGradient(Parameter p) {
        NDArray a = p.getArray();
        return p.requiresGradient() && a.hasGradient();
    }

    /**
     * The gradient of a parameter as a new handle; the caller closes it (closing the handle does not free the gradient
     * the parameter keeps).
     */
    public static NDArray gradient(Parameter p) {
        return p.getArray().getGradient();
    }

    /** Zeroes a parameter's gradient in place (PyTorch accumulates gradients across backward passes). */
    public static void zero(Parameter p) {
        NDArray a = p.getArray();
        if (a instanceof PtNDArray pt) {
            JniUtils.zeroGrad(pt);
        } else {
            try (NDArray g = a.getGradient()) {
                g.subi(g);
            }
        }
    }

    /**
     * The global L2 norm over all gradients, and scales them in place so it is at most {@code maxNorm} (as PyTorch's
     * {@code clip_grad_norm_}). Returns the norm before clipping.
     */
    public static double clipGlobalNorm(List<Parameter> params, double maxNorm) {
        if (params.isEmpty()) {
            return 0;
        }
        double sumSq = 0;
        // Every intermediate (square, sum, the float64 copy) attaches to its input's manager, which for a gradient
        // handle is the parameter's own long-lived manager: without this scratch manager each step leaked two arrays
        // per parameter, one of them as large as the parameter, for the whole run.
        try (NDManager scratch = params.get(0).getArray().getManager().newSubManager()) {
            for (Parameter p : params) {
                if (hasGradient(p)) {
                    NDArray g = gradient(p);
                    g.attach(scratch);
                    sumSq += g.square().sum().toType(DataType.FLOAT64, false).getDouble();
                }
            }
        }
        double norm = Math.sqrt(sumSq);
        if (maxNorm > 0 && norm > maxNorm) {
            float scale = (float) (maxNorm / (norm + 1e-6));
            for (Parameter p : params) {
                if (hasGradient(p)) {
                    try (NDArray g = gradient(p)) {
                        g.muli(scale);
                    }
                }
            }
        }
        return norm;
    }
}
