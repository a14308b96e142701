package io.hdkd.plugin.kdlosses;

import static io.hdkd.plugin.kdlosses.Fixtures.randn;
import static io.hdkd.plugin.kdlosses.Fixtures.scalar;
import static io.hdkd.plugin.kdlosses.Fixtures.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The per-level formulas against direct double-loop references. */
class FeatureLossesTest {

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
    void fitnetIsTheMeanSquaredDifference() {
        NDArray s = randn(manager, 1, 1, 1, 2, 3, 3);
        NDArray t = randn(manager, 2, 1, 1, 2, 3, 3);
        double[] a = values(s);
        double[] b = values(t);
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += (a[i] - b[i]) * (a[i] - b[i]);
        }
        assertThat(scalar(FeatureLosses.fitnet(s, t))).isCloseTo((float) (sum / a.length), within(1e-5f));
        assertThat(scalar(FeatureLosses.fitnet(s, s))).isZero();
    }

    @Test
    void pkdEqualsOneMinusPearsonCorrelationPerChannel() {
        for (long[] shape : new long[][] {{1, 2, 3, 3}, {2, 3, 4, 5}}) {
            NDArray s = randn(manager, 3, 1, shape);
            NDArray t = randn(manager, 4, 2, shape).add(s.mul(0.7f));
            double expected = 1 - meanPearson(values(s), values(t), shape);
            assertThat(scalar(FeatureLosses.pkd(s, t))).isCloseTo((float) expected, within(1e-5f));
        }
    }

    @Test
    void pkdIsZeroForIdenticalAndInvariantToPerChannelAffineMaps() {
        NDArray s = randn(manager, 5, 1, 2, 3, 4, 4);
        NDArray t = randn(manager, 6, 1, 2, 3, 4, 4).add(s);
        assertThat(scalar(FeatureLosses.pkd(s, s))).isCloseTo(0f, within(1e-6f));

        float base = scalar(FeatureLosses.pkd(s, t));
        NDArray scale = manager.create(new float[] {3f, 0.2f, 11f}, new Shape(1, 3, 1, 1));
        NDArray shift = manager.create(new float[] {-4f, 7f, 0.5f}, new Shape(1, 3, 1, 1));
        assertThat(scalar(FeatureLosses.pkd(s.mul(scale).add(shift), t))).isCloseTo(base, within(1e-5f));
        assertThat(scalar(FeatureLosses.pkd(s, t.mul(scale).sub(shift)))).isCloseTo(base, within(1e-5f));
        // a negative scale flips the correlation's sign: 1 - (-r) = 2 - base
        assertThat(scalar(FeatureLosses.pkd(s.neg(), t))).isCloseTo(2 - base, within(1e-5f));
    }

    @Test
    void cwdOnAHandCase() {
        // one channel, two positions: p_t = softmax(ln 3, 0) = (3/4, 1/4), p_s = (1/2, 1/2)
        NDArray t = manager.create(new float[] {(float) Math.log(3), 0f}, new Shape(1, 1, 1, 2));
        NDArray s = manager.zeros(new Shape(1, 1, 1, 2));
        double expected = 0.75 * Math.log(1.5) + 0.25 * Math.log(0.5);
        assertThat(scalar(FeatureLosses.cwd(s, t, 1.0))).isCloseTo((float) expected, within(1e-6f));
    }

    @Test
    void cwdMatchesAReferenceAtSeveralTemperatures() {
        long[] shape = {2, 3, 3, 4};
        NDArray s = randn(manager, 7, 1, shape);
        NDArray t = randn(manager, 8, 2, shape);
        for (double tau : new double[] {1.0, 2.0, 4.0}) {
            double expected = cwdReference(values(s), values(t), shape, tau);
            assertThat(scalar(FeatureLosses.cwd(s, t, tau))).isCloseTo((float) expected, within(1e-5f));
        }
        assertThat(scalar(FeatureLosses.cwd(t, t, 1.0))).isCloseTo(0f, within(1e-6f));
    }

    @Test
    void bilinearResizeMatchesTorchsAlignCornersFalse() {
        NDArray x = manager.create(new float[] {0, 1, 2, 3}, new Shape(1, 1, 2, 2));
        float[] expected = {
            0f, 0.25f, 0.75f, 1f,
            0.5f, 0.75f, 1.25f, 1.5f,
            1.5f, 1.75f, 2.25f, 2.5f,
            2f, 2.25f, 2.75f, 3f};
        NDArray y = FeatureMaps.resize(x, 4, 4);
        assertThat(y.getShape()).isEqualTo(new Shape(1, 1, 4, 4));
        assertThat(y.toFloatArray()).containsExactly(expected, within(1e-6f));
        assertThat(FeatureMaps.resize(x, 2, 2)).isSameAs(x);
    }

    static double meanPearson(double[] a, double[] b, long[] shape) {
        int n = (int) shape[0];
        int c = (int) shape[1];
        int hw = (int) (shape[2] * shape[3]);
        double total = 0;
        for (int ch = 0; ch < c; ch++) {
            double ma = 0;
            double mb = 0;
            for (int i = 0; i < n; i++) {
                for (int p = 0; p < hw; p++) {
                    ma += a[(i * c + ch) * hw + p];
                    mb += b[(i * c + ch) * hw + p];
                }
            }
            ma /= n * hw;
            mb /= n * hw;
            double cov = 0;
            double va = 0;
            double vb = 0;
            for (int i = 0; i < n; i++) {
                for (int p = 0; p < hw; p++) {
                    double da = a[(i * c + ch) * hw + p] - ma;
                    double db = b[(i * c + ch) * hw + p] - mb;
                    cov += da * db;
                    va += da * da;
                    vb += db * db;
                }
            }
            total += cov / Math.sqrt(va * vb);
        }
        return total / c;
    }

    static double cwdReference(double[] s, double[] t, long[] shape, double tau) {
        int rows = (int) (shape[0] * shape[1]);
        int hw = (int) (shape[2] * shape[3]);
        double total = 0;
        for (int r = 0; r < rows; r++) {
            double zs = 0;
            double zt = 0;
            for (int p = 0; p < hw; p++) {
                zs += Math.exp(s[r * hw + p] / tau);
                zt += Math.exp(t[r * hw + p] / tau);
            }
            for (int p = 0; p < hw; p++) {
                double pt = Math.exp(t[r * hw + p] / tau) / zt;
                double ps = Math.exp(s[r * hw + p] / tau) / zs;
                total += pt * Math.log(pt / ps);
            }
        }
        return tau * tau * total / rows;
    }
}
