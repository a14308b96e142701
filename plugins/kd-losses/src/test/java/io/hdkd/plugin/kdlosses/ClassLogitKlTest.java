package io.hdkd.plugin.kdlosses;

import static io.hdkd.plugin.kdlosses.Fixtures.randn;
import static io.hdkd.plugin.kdlosses.Fixtures.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Arrays;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The KL maps against double references, and the binary form's stability at large logits. */
class ClassLogitKlTest {

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void binaryMapMatchesTheDefinition() {
        NDArray s = randn(manager, 11, 3, 2, 5, 3);
        NDArray t = randn(manager, 12, 3, 2, 5, 3);
        for (double temperature : new double[] {1.0, 2.0}) {
            double[] a = values(s);
            double[] b = values(t);
            double[] got = values(ClassLogitKl.binaryMap(s, t, temperature));
            for (int i = 0; i < a.length; i++) {
                double ps = 1 / (1 + Math.exp(-a[i] / temperature));
                double pt = 1 / (1 + Math.exp(-b[i] / temperature));
                double expected = pt * Math.log(pt / ps) + (1 - pt) * Math.log((1 - pt) / (1 - ps));
                assertThat(got[i]).isCloseTo(expected, within(1e-5));
            }
        }
        assertThat(values(ClassLogitKl.binaryMap(t, t, 1.0))).containsOnly(0.0);
    }

    @Test
    void binaryMapStaysFiniteAtLogitsOfFifty() {
        NDArray t = manager.create(new float[] {50, -50, 50, -50}, new Shape(1, 1, 4));
        NDArray s = manager.create(new float[] {-50, 50, 50, -50}, new Shape(1, 1, 4));
        s.setRequiresGradient(true);
        NDArray map;
        try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
            map = ClassLogitKl.binaryMap(s, t, 1.0);
            collector.backward(map.sum());
        }
        double[] v = values(map);
        // p_t = 1, p_s = sigmoid(-50): KL = -log sigmoid(-50) = 50 (+ e^-50); likewise mirrored; equal logits give 0
        assertThat(v[0]).isCloseTo(50, within(1e-4));
        assertThat(v[1]).isCloseTo(50, within(1e-4));
        assertThat(v[2]).isCloseTo(0, within(1e-6));
        assertThat(v[3]).isCloseTo(0, within(1e-6));
        double[] grad = values(s.getGradient());
        assertThat(Arrays.stream(grad).allMatch(Double::isFinite)).isTrue();
        // d/ds KL = (p_s - p_t) / T: -1 and +1 where the logits disagree
        assertThat(grad[0]).isCloseTo(-1, within(1e-5));
        assertThat(grad[1]).isCloseTo(1, within(1e-5));
    }

    @Test
    void softmaxMapMatchesTheDefinition() {
        NDArray s = randn(manager, 13, 2, 2, 3, 4);
        NDArray t = randn(manager, 14, 2, 2, 3, 4);
        double temperature = 3.0;
        double[] a = values(s);
        double[] b = values(t);
        double[] got = values(ClassLogitKl.softmaxMap(s, t, temperature));
        assertThat(got).hasSize(6);
        for (int row = 0; row < 6; row++) {
            double zs = 0;
            double zt = 0;
            for (int k = 0; k < 4; k++) {
                zs += Math.exp(a[row * 4 + k] / temperature);
                zt += Math.exp(b[row * 4 + k] / temperature);
            }
            double kl = 0;
            for (int k = 0; k < 4; k++) {
                double ps = Math.exp(a[row * 4 + k] / temperature) / zs;
                double pt = Math.exp(b[row * 4 + k] / temperature) / zt;
                kl += pt * Math.log(pt / ps);
            }
            assertThat(got[row]).isCloseTo(kl, within(1e-5));
        }
    }
}
