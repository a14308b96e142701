package io.hdkd.plugin.cornernet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CornerPoolingTest {

    private static final int N = 2;
    private static final int C = 3;
    private static final int H = 5;
    private static final int W = 7;

    @Test
    void topLeftPoolingMatchesNaiveMaxima() {
        check(true, 11);
    }

    @Test
    void bottomRightPoolingMatchesNaiveMaxima() {
        check(false, 12);
    }

    @Test
    void cumulativeMaxHandlesLengthsThatAreNotPowersOfTwo() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.create(new float[] {3, 1, 4, 1, 5, 9, 2, 6, 5, 3, 5}).reshape(1, 11);
            for (boolean broadcast : new boolean[] {true, false}) {
                assertThat(cummax(x, 1, false, broadcast).toFloatArray())
                        .containsExactly(3, 3, 4, 4, 5, 9, 9, 9, 9, 9, 9);
                assertThat(cummax(x, 1, true, broadcast).toFloatArray())
                        .containsExactly(9, 9, 9, 9, 9, 9, 6, 6, 5, 5, 5);
            }
        }
    }

    private static NDArray cummax(NDArray x, int axis, boolean reverse, boolean broadcast) {
        return broadcast
                ? CornerPooling.broadcastCumulativeMax(x, axis, reverse)
                : CornerPooling.logStepCumulativeMax(x, axis, reverse);
    }

    @Test
    void bothFormulationsRouteTheGradientToTheSameArgMaxima() {
        Random random = new Random(9);
        float[] values = randomValues(random); // Gaussian: no ties, so every prefix has a unique arg-max
        float[] weights = randomValues(random);
        Shape shape = new Shape(N, C, H, W);
        try (NDManager manager = NDManager.newBaseManager()) {
            for (boolean reverse : new boolean[] {true, false}) {
                float[][] gradients = new float[2][];
                for (int f = 0; f < 2; f++) {
                    boolean broadcast = f == 0;
                    NDArray x = manager.create(values, shape);
                    x.setRequiresGradient(true);
                    try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                        NDArray y = cummax(x, 3, reverse, broadcast).add(cummax(x, 2, reverse, broadcast));
                        collector.backward(y.mul(manager.create(weights, shape)).sum());
                    }
                    gradients[f] = x.getGradient().toFloatArray();
                }
                assertThat(gradients[0]).as("reverse %s", reverse).containsExactly(gradients[1], within(1e-5f));
                assertThat(gradients[0]).as("some gradient").isNotEqualTo(new float[gradients[0].length]);
            }
        }
    }

    @Test
    void bothFormulationsAgreeOnEveryAxisOfAFourDimensionalArray() {
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(5);
            NDArray x = manager.randomNormal(new Shape(2, 3, 6, 9));
            for (int axis = 0; axis < 4; axis++) {
                for (boolean reverse : new boolean[] {true, false}) {
                    assertThat(cummax(x, axis, reverse, true).toFloatArray()).as("axis %d reverse %s", axis, reverse)
                            .containsExactly(cummax(x, axis, reverse, false).toFloatArray());
                }
            }
        }
    }

    private static void check(boolean topLeft, long seed) {
        Random random = new Random(seed);
        float[] horizontal = randomValues(random);
        float[] vertical = randomValues(random);
        try (NDManager manager = NDManager.newBaseManager()) {
            Shape shape = new Shape(N, C, H, W);
            NDArray a = manager.create(horizontal, shape);
            NDArray b = manager.create(vertical, shape);
            float[] actual = (topLeft ? CornerPooling.topLeft(a, b) : CornerPooling.bottomRight(a, b)).toFloatArray();
            float[] expected = naive(horizontal, vertical, topLeft);
            for (int i = 0; i < expected.length; i++) {
                assertThat(actual[i]).as("element %d", i).isCloseTo(expected[i], within(1e-6f));
            }
        }
    }

    private static float[] randomValues(Random random) {
        float[] v = new float[N * C * H * W];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) random.nextGaussian();
        }
        return v;
    }

    /** The definition, pixel by pixel: rows scanned along W in {@code horizontal}, columns along H in {@code vertical}. */
    private static float[] naive(float[] horizontal, float[] vertical, boolean topLeft) {
        float[] out = new float[horizontal.length];
        for (int n = 0; n < N; n++) {
            for (int c = 0; c < C; c++) {
                int base = (n * C + c) * H * W;
                for (int i = 0; i < H; i++) {
                    for (int j = 0; j < W; j++) {
                        float rowMax = Float.NEGATIVE_INFINITY;
                        int from = topLeft ? j : 0;
                        int to = topLeft ? W - 1 : j;
                        for (int jj = from; jj <= to; jj++) {
                            rowMax = Math.max(rowMax, horizontal[base + i * W + jj]);
                        }
                        float colMax = Float.NEGATIVE_INFINITY;
                        from = topLeft ? i : 0;
                        to = topLeft ? H - 1 : i;
                        for (int ii = from; ii <= to; ii++) {
                            colMax = Math.max(colMax, vertical[base + ii * W + j]);
                        }
                        out[base + i * W + j] = rowMax + colMax;
                    }
                }
            }
        }
        return out;
    }
}
