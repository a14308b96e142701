package com.example.fcos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hdkd.api.ImageTargets;
import org.junit.jupiter.api.Test;

/** Target assignment on one stride-8 level of 4 x 4 locations at 4, 12, 20, 28, checked by hand. */
class FcosTargetsTest {

    private static final float[] XS = {4, 12, 20, 28};

    @Test
    void positivesAreInsideTheBoxNearItsCentreAndInTheLevelsRange() {
        try (NDManager m = NDManager.newBaseManager()) {
            ImageTargets box = new ImageTargets(m.create(new float[] {0, 0, 32, 32}, new Shape(1, 4)),
                    m.create(new int[] {1}));
            // Without centre sampling every location is inside the 32 x 32 box.
            FcosTargets.Image all = new FcosTargets(0).assign(m, points(m), strides(m), ranges(m, 0, 1e9f), box, 2);
            assertThat(all.positive().sum().getFloat()).isEqualTo(16f);
            // Radius 1 stride around the centre (16, 16): the box [8, 24]^2 holds the locations at 12 and 20 only.
            FcosTargets.Image centre = new FcosTargets(1).assign(m, points(m), strides(m), ranges(m, 0, 1e9f), box, 2);
            assertThat(centre.positive().toFloatArray()).containsExactly(
                    0, 0, 0, 0,
                    0, 1, 1, 0,
                    0, 1, 1, 0,
                    0, 0, 0, 0);
            // Location (12, 12): l = t = 12, r = b = 20; centerness sqrt(12/20 * 12/20) = 0.6; class 1.
            assertThat(centre.centerness().getFloat(5)).isCloseTo(0.6f, offset(1e-6f));
            assertThat(centre.classes().get(5).toFloatArray()).containsExactly(0f, 1f);
            assertThat(centre.boxes().get(5).toFloatArray()).containsExactly(0, 0, 32, 32);
            // Negatives: no class, no centerness.
            assertThat(centre.classes().get(0).toFloatArray()).containsExactly(0f, 0f);
            assertThat(centre.centerness().getFloat(0)).isZero();
            // Range (0, 16]: from (12, 12) the farthest side is 20 away, too far for this level.
            FcosTargets.Image small = new FcosTargets(1).assign(m, points(m), strides(m), ranges(m, 0, 16), box, 2);
            assertThat(small.positive().sum().getFloat()).isZero();
        }
    }

    @Test
    void aLocationInTwoBoxesLearnsTheSmallerAndAnImageWithoutBoxesIsAllBackground() {
        try (NDManager m = NDManager.newBaseManager()) {
            ImageTargets two = new ImageTargets(
                    m.create(new float[] {0, 0, 32, 32, 8, 8, 16, 16}, new Shape(2, 4)), m.create(new int[] {0, 1}));
            FcosTargets.Image t = new FcosTargets(0).assign(m, points(m), strides(m), ranges(m, 0, 1e9f), two, 2);
            // (12, 12) lies in both; the 8 x 8 box (class 1) is the smaller.
            assertThat(t.classes().get(5).toFloatArray()).containsExactly(0f, 1f);
            assertThat(t.boxes().get(5).toFloatArray()).containsExactly(8, 8, 16, 16);
            assertThat(t.classes().get(0).toFloatArray()).containsExactly(1f, 0f);

            ImageTargets none = new ImageTargets(m.zeros(new Shape(0, 4)), m.zeros(new Shape(0)));
            FcosTargets.Image empty = new FcosTargets(1.5).assign(m, points(m), strides(m), ranges(m, 0, 1e9f), none,
                    2);
            assertThat(empty.positive().sum().getFloat()).isZero();
            assertThat(empty.classes().getShape()).isEqualTo(new Shape(16, 2));
        }
    }

    private static NDArray points(NDManager m) {
        float[] p = new float[32];
        for (int y = 0; y < 4; y++) {
            for (int x = 0; x < 4; x++) {
                p[2 * (4 * y + x)] = XS[x];
                p[2 * (4 * y + x) + 1] = XS[y];
            }
        }
        return m.create(p, new Shape(16, 2));
    }

    private static NDArray strides(NDManager m) {
        return m.full(new Shape(16), 8f);
    }

    private static NDArray ranges(NDManager m, float lo, float hi) {
        return m.create(new float[] {lo, hi}).expandDims(0).broadcast(16, 2);
    }
}
