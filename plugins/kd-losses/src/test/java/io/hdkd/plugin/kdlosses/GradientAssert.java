package io.hdkd.plugin.kdlosses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;

final class GradientAssert {

    private GradientAssert() {}

    /** The L1 norm of {@code a}'s gradient; 0 when none reached it (the engine may then report no gradient at all). */
    static double norm(NDArray a) {
        NDArray grad;
        try {
            grad = a.getGradient();
        } catch (RuntimeException e) {
            return 0;
        }
        return grad.abs().sum().toType(DataType.FLOAT64, false).getDouble();
    }
}
