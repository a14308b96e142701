package io.hdkd.plugin.cornernet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.util.Random;
import org.junit.jupiter.api.Test;

class CornerLossesTest {

    @Test
    void focalVariantMatchesTheScalarFormula() {
        Random random = new Random(7);
        int size = 60;
        float[] logits = new float[size];
        float[] target = new float[size];
        for (int i = 0; i < size; i++) {
            logits[i] = (float) (3 * random.nextGaussian());
            target[i] = i % 10 == 0 ? 1f : (i % 3 == 0 ? random.nextFloat() : 0f);
        }
        int objects = 4;
        double expected = 0;
        for (int i = 0; i < size; i++) {
            double p = 1 / (1 + Math.exp(-logits[i]));
            expected += target[i] == 1f
                    ? -Math.pow(1 - p, 2) * Math.log(p)
                    : -Math.pow(1 - target[i], 4) * Math.pow(p, 2) * Math.log(1 - p);
        }
        expected /= objects;
        try (NDManager manager = NDManager.newBaseManager()) {
            float actual = CornerLosses.focal(manager.create(logits).reshape(1, 3, 4, 5),
                    manager.create(target).reshape(1, 3, 4, 5), objects).getFloat();
            assertThat((double) actual).isCloseTo(expected, within(1e-5 * Math.abs(expected)));
        }
    }

    @Test
    void focalVariantStaysFiniteOnSaturatedLogits() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray loss = CornerLosses.focal(manager.create(new float[] {-200f, 200f}),
                    manager.create(new float[] {1f, 0f}), 1);
            // -(1 - 0)^2 * log(sigmoid(-200)) = 200, and -(1)^4 * 1^2 * log(1 - sigmoid(200)) = 200
            assertThat(loss.getFloat()).isCloseTo(400f, within(1e-3f));
        }
    }

    @Test
    void batchedPullAndPushAreTheSumOfThePerImageLosses() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // image 0: objects 0, 2, 3; image 1: object 1 alone (no push); image 2: objects 4, 5
            int[] image = {0, 1, 0, 0, 2, 2};
            float[] tl = {0.1f, 3f, 0.4f, 2.2f, -1f, -0.5f};
            float[] br = {0.1f, 2f, 0.6f, 2.8f, -0.2f, -0.4f};
            NDArray t = manager.create(tl);
            NDArray b = manager.create(br);
            float pull = 0;
            float push = 0;
            for (int[] members : new int[][] {{0, 2, 3}, {1}, {4, 5}}) {
                float[] ti = new float[members.length];
                float[] bi = new float[members.length];
                for (int k = 0; k < members.length; k++) {
                    ti[k] = tl[members[k]];
                    bi[k] = br[members[k]];
                }
                pull += CornerLosses.pull(manager.create(ti), manager.create(bi)).getFloat();
                push += CornerLosses.push(manager.create(ti), manager.create(bi), 1f).getFloat();
            }
            assertThat(push).isPositive();
            assertThat(CornerLosses.pullSum(t, b, image).getFloat()).isCloseTo(pull, within(1e-6f));
            assertThat(CornerLosses.pushSum(t, b, image, 1f).getFloat()).isCloseTo(push, within(1e-6f));
            assertThat(CornerLosses.pushSum(manager.create(new float[] {1f}), manager.create(new float[] {2f}),
                    new int[] {0}, 1f).getFloat()).isZero();
        }
    }

    @Test
    void pullAndPushMatchHandValues() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray tl = manager.create(new float[] {0f, 0.5f, 3f});
            NDArray br = manager.create(new float[] {0.2f, 0.5f, 2f});
            // means 0.1, 0.5, 2.5; pull = (0.01 + 0.01 + 0 + 0 + 0.25 + 0.25) / 3
            assertThat(CornerLosses.pull(tl, br).getFloat()).isCloseTo(0.52f / 3, within(1e-6f));
            // |0.1 - 0.5| = 0.4 -> hinge 0.6 twice; the pairs with 2.5 are farther than 1 -> 0; / (3 * 2)
            assertThat(CornerLosses.push(tl, br, 1f).getFloat()).isCloseTo(1.2f / 6, within(1e-6f));
            // with margin 3: 2.6 (0.4) twice, 0.6 (2.4) twice, 1.0 (2.0) twice
            assertThat(CornerLosses.push(tl, br, 3f).getFloat()).isCloseTo(2 * (2.6f + 0.6f + 1.0f) / 6, within(1e-5f));
            NDArray one = manager.create(new float[] {1f});
            assertThat(CornerLosses.push(one, manager.create(new float[] {2f}), 1f).getFloat()).isZero();
            assertThat(CornerLosses.pull(one, manager.create(new float[] {2f})).getFloat()).isCloseTo(0.5f, within(1e-6f));
        }
    }

    @Test
    void smoothL1IsQuadraticBelowOneAndLinearAbove() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray prediction = manager.create(new float[] {0.5f, 2f, -1f});
            NDArray target = manager.create(new float[] {0f, 0f, 0f});
            // 0.5 * 0.25 + (2 - 0.5) + (1 - 0.5)
            assertThat(CornerLosses.smoothL1Sum(prediction, target).getFloat()).isCloseTo(2.125f, within(1e-6f));
        }
    }
}
