package io.hdkd.core.train.optim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.initializer.ConstantInitializer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The optimizers against updates computed by hand, including gradient zeroing between steps. */
class OptimizerTest {

    /** A parameter w (initial {@code init}) whose loss is sum(c * w), so its gradient is exactly c. */
    private static Parameter param(NDManager m, float init) {
        Parameter p = Parameter.builder().setName("w").setType(Parameter.Type.WEIGHT).optShape(new Shape(2)).build();
        p.setInitializer(new ConstantInitializer(init));
        p.initialize(m, DataType.FLOAT32);
        return p;
    }

    private static void backward(Parameter p, float[] c) {
        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
            NDArray loss = p.getArray().mul(p.getArray().getManager().create(c)).sum();
            gc.backward(loss);
        }
    }

    @Test
    void sgdWithMomentumAndDecayMatchesTheFormulaAndZeroesGradients() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter p = param(m, 1f);
            Sgd sgd = new Sgd(0.9f, 0.1f, m);
            float lr = 0.5f;
            // step 1: g = 2; v = lr (g + wd w) = 0.5 * (2 + 0.1) = 1.05; w = 1 - 1.05 = -0.05
            backward(p, new float[] {2f, 2f});
            sgd.step(List.of(p), lr);
            assertThat(p.getArray().toFloatArray()[0]).isCloseTo(-0.05f, within(1e-6f));
            // step 2: g = 1 (not 3: gradients were zeroed); v = 0.9 * 1.05 + 0.5 * (1 + 0.1 * -0.05) = 1.4425
            backward(p, new float[] {1f, 1f});
            sgd.step(List.of(p), lr);
            assertThat(p.getArray().toFloatArray()[0]).isCloseTo(-0.05f - 1.4425f, within(1e-5f));
        }
    }

    @Test
    void adamWMatchesTheFormula() {
        try (NDManager m = NDManager.newBaseManager()) {
            Parameter p = param(m, 1f);
            float b1 = 0.9f;
            float b2 = 0.999f;
            float eps = 1e-8f;
            float wd = 0.01f;
            float lr = 0.1f;
            AdamW adam = new AdamW(b1, b2, eps, wd, m);
            double w = 1;
            double mean = 0;
            double var = 0;
            float[] grads = {0.5f, -2f, 1f};
            for (int t = 1; t <= grads.length; t++) {
                backward(p, new float[] {grads[t - 1], grads[t - 1]});
                adam.step(List.of(p), lr);
                double g = grads[t - 1];
                w -= lr * wd * w;
                mean = b1 * mean + (1 - b1) * g;
                var = b2 * var + (1 - b2) * g * g;
                double mHat = mean / (1 - Math.pow(b1, t));
                double vHat = var / (1 - Math.pow(b2, t));
                w -= lr * mHat / (Math.sqrt(vHat) + eps * Math.sqrt(1 - Math.pow(b2, t)));
                assertThat((double) p.getArray().toFloatArray()[1]).isCloseTo(w, within(1e-5));
            }
        }
    }
}
