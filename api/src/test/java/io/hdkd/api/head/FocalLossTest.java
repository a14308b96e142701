package io.hdkd.api.head;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;

class FocalLossTest {

    private static final double ALPHA = 0.25;
    private static final double GAMMA = 2.0;

    @Test
    void matchesTheDirectFormulaOnModerateLogits() {
        float[] logits = {-6f, -2.5f, -0.3f, 0f, 0.7f, 3f, 8f, -4f, 1.5f, 0.01f};
        float[] targets = {0f, 1f, 0f, 1f, 1f, 0f, 1f, 1f, 0f, 0f};
        try (NDManager m = NDManager.newBaseManager()) {
            for (double[] ag : new double[][] {{ALPHA, GAMMA}, {-1, GAMMA}, {0.5, 0}, {0.25, 1.5}}) {
                float[] loss = FocalLoss.sigmoidFocal(m.create(logits), m.create(targets), ag[0], ag[1])
                        .toFloatArray();
                for (int i = 0; i < logits.length; i++) {
                    assertThat((double) loss[i]).as("x=%s t=%s alpha=%s gamma=%s", logits[i], targets[i], ag[0], ag[1])
                            .isCloseTo(direct(logits[i], targets[i], ag[0], ag[1]), offset(1e-5));
                }
            }
        }
    }

    @Test
    void extremeLogitsGiveFiniteLossesAndGradients() {
        float[] logits = {-1e4f, -100f, 100f, 1e4f, -1e4f, -100f, 100f, 1e4f};
        float[] targets = {1f, 1f, 1f, 1f, 0f, 0f, 0f, 0f};
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(logits);
            x.setRequiresGradient(true);
            NDArray loss;
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                loss = FocalLoss.sigmoidFocal(x, m.create(targets), ALPHA, GAMMA);
                gc.backward(loss.sum());
            }
            float[] l = loss.toFloatArray();
            // Confidently wrong: (1 - p_t)^2 -> 1, CE -> |x|; confidently right: 0.
            assertThat(l).containsExactly(new float[] {2500f, 25f, 0f, 0f, 0f, 0f, 75f, 7500f}, offset(1e-3f));
            float[] g = x.getGradient().toFloatArray();
            for (float v : g) {
                assertThat(Float.isFinite(v)).isTrue();
            }
            // d/dx of alpha * softplus(-x) for a wrong positive is -alpha; for a wrong negative, (1 - alpha).
            assertThat(g[0]).isCloseTo(-0.25f, offset(1e-4f));
            assertThat(g[7]).isCloseTo(0.75f, offset(1e-4f));
        }
    }

    @Test
    void gradientsMatchTheDirectFormulasDerivative() {
        float[] logits = {-6f, -2.5f, -0.3f, 0f, 0.7f, 3f, 8f, -4f, 1.5f, 0.01f};
        float[] targets = {0f, 1f, 0f, 1f, 1f, 0f, 1f, 1f, 0f, 0f};
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray x = m.create(logits);
            x.setRequiresGradient(true);
            try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                gc.backward(FocalLoss.sigmoidFocal(x, m.create(targets), ALPHA, GAMMA).sum());
            }
            float[] g = x.getGradient().toFloatArray();
            for (int i = 0; i < logits.length; i++) {
                double h = 1e-5;
                double numeric = (direct(logits[i] + h, targets[i], ALPHA, GAMMA)
                        - direct(logits[i] - h, targets[i], ALPHA, GAMMA)) / (2 * h);
                assertThat((double) g[i]).as("x=%s t=%s", logits[i], targets[i]).isCloseTo(numeric, offset(1e-5));
            }
        }
    }

    /** torchvision's definition, in double, for logits where it is stable. */
    private static double direct(double x, double t, double alpha, double gamma) {
        double p = 1 / (1 + Math.exp(-x));
        double ce = -(t * Math.log(p) + (1 - t) * Math.log(1 - p));
        double pt = p * t + (1 - p) * (1 - t);
        double loss = ce * Math.pow(1 - pt, gamma);
        if (alpha >= 0) {
            loss *= alpha * t + (1 - alpha) * (1 - t);
        }
        return loss;
    }
}
