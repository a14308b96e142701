package io.hdkd.core.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.training.GradientCollector;
import io.hdkd.api.Scalars;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Gradients of the operations hdkd's losses use must not depend on garbage collection between the forward and the
 * backward pass. DJL's {@code NDArray.mul(Number)} and friends fail this (their constant's memory is freed by the GC
 * while autograd still needs it; see {@link Scalars}); these are the replacements and the other operations the
 * losses rely on.
 */
class AutogradConstantsTest {

    /** The gradient of {@code sum(f(x))}, with or without GC churn between forward and backward. */
    private static float[] gradient(NDManager m, Function<NDArray, NDArray> f, boolean churn) {
        try (NDManager s = m.newSubManager()) {
            NDArray x = s.arange(-8f, 8f).reshape(1, 1, 4, 4).div(s.full(new Shape(), 7f));
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                NDArray y = f.apply(x).sum();
                if (churn) {
                    for (int i = 0; i < 10; i++) {
                        System.gc();
                        try (NDManager junk = s.newSubManager()) {
                            for (int j = 0; j < 2000; j++) {
                                junk.create(new float[] {123456f, Float.NaN, 9e9f, -1e9f});
                            }
                        }
                    }
                }
                gc.backward(y);
            }
            return x.getGradient().toFloatArray();
        }
    }

    @Test
    void gradientsOfConstantsAndLossOpsSurviveGarbageCollection() {
        Map<String, Function<NDArray, NDArray>> ops = new LinkedHashMap<>();
        ops.put("Scalars.mul", x -> Scalars.mul(x, 3));
        ops.put("Scalars.div", x -> Scalars.div(x, 3));
        ops.put("Scalars.pow", x -> Scalars.pow(x, 2));
        ops.put("Scalars.maximum", x -> Scalars.maximum(x, 0.1));
        ops.put("Scalars.minimum", x -> Scalars.minimum(x, 0.1));
        ops.put("add number", x -> x.add(3f).square());
        ops.put("sub number", x -> x.sub(3f).square());
        ops.put("clip", x -> x.clip(-0.5f, 0.5f).square());
        ops.put("softplus", x -> Activation.softPlus(x));
        ops.put("sigmoid", x -> Activation.sigmoid(x));
        ops.put("logSoftmax", x -> x.reshape(4, 4).logSoftmax(1).mul(x.reshape(4, 4)));
        ops.put("where", x -> NDArrays.where(x.gt(0f), x.square(), x.abs()));
        ops.put("bilinear", x -> x.getNDArrayInternal().interpolation(new long[] {7, 7}, 1, false).square());
        ops.put("repeat", x -> x.repeat(2, 2).repeat(3, 2).square());
        try (NDManager m = NDManager.newBaseManager()) {
            for (Map.Entry<String, Function<NDArray, NDArray>> e : ops.entrySet()) {
                float[] quiet = gradient(m, e.getValue(), false);
                float[] churned = gradient(m, e.getValue(), true);
                assertThat(churned).as(e.getKey()).containsExactly(quiet);
            }
            assertThat(gradient(m, x -> Scalars.mul(x, 3), true)).containsOnly(3f);
        }
    }
}
