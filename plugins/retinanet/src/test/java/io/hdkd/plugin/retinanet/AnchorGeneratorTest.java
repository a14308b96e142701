package io.hdkd.plugin.retinanet;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;

class AnchorGeneratorTest {

    @Test
    void baseAnchorsFollowTorchvisionsTruncatedSizesAndRounding() {
        // Sizes 32, int(32 * 2^(1/3)) = 40, int(32 * 2^(2/3)) = 50; ratio h/w 1 first for readability.
        float[] square = AnchorGenerator.baseAnchors(32, new double[] {1, Math.pow(2, 1 / 3.0), Math.pow(2, 2 / 3.0)},
                new double[] {1});
        assertThat(square).containsExactly(-16, -16, 16, 16, -20, -20, 20, 20, -25, -25, 25, 25);
        // Ratio 0.5 (wide): w = 32 / sqrt(0.5) = 45.25 -> +-22.6 -> 23, h = 22.6 -> +-11.3 -> 11.
        float[] wide = AnchorGenerator.baseAnchors(32, new double[] {1}, new double[] {0.5, 2});
        assertThat(wide).containsExactly(-23, -11, 23, 11, -11, -23, 11, 23);
    }

    @Test
    void anchorsOnA64x64InputAtStride16AreCentredOnTheGridLocationMajor() {
        AnchorGenerator generator = new AnchorGenerator(new int[] {16}, new double[] {32}, new double[] {1},
                new double[] {0.5, 1, 2});
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList anchors = generator.anchors(manager, new Shape(64, 64));
            assertThat(anchors).hasSize(1);
            assertThat(anchors.get(0).getShape()).isEqualTo(new Shape(4 * 4 * 3, 4));
            float[] a = anchors.get(0).toFloatArray();
            // Row (y * W + x) * A + r: location (x=2, y=1) is centred at (32, 16).
            int row = (1 * 4 + 2) * 3;
            assertThat(slice(a, row)).containsExactly(32 - 23, 16 - 11, 32 + 23, 16 + 11);
            assertThat(slice(a, row + 1)).containsExactly(32 - 16, 16 - 16, 32 + 16, 16 + 16);
            assertThat(slice(a, row + 2)).containsExactly(32 - 11, 16 - 23, 32 + 11, 16 + 23);
            assertThat(slice(a, 0)).containsExactly(-23, -11, 23, 11);
            int last = (3 * 4 + 3) * 3 + 1;
            assertThat(slice(a, last)).containsExactly(48 - 16, 48 - 16, 48 + 16, 48 + 16);
            // Served from the cache the second time, identical.
            assertThat(generator.anchors(manager, new Shape(64, 64)).get(0).toFloatArray()).containsExactly(a);
        }
    }

    @Test
    void gridsAreTheCeilingOfInputOverStrideOnEveryLevel() {
        AnchorGenerator generator = new AnchorGenerator(new int[] {8, 16, 32, 64, 128},
                new double[] {32, 64, 128, 256, 512}, new double[] {1, 1.26, 1.59}, new double[] {0.5, 1, 2});
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList anchors = generator.anchors(manager, new Shape(96, 160));
            long[] expectedLocations = {12 * 20, 6 * 10, 3 * 5, 2 * 3, 1 * 2};
            for (int l = 0; l < 5; l++) {
                assertThat(anchors.get(l).getShape()).isEqualTo(new Shape(expectedLocations[l] * 9, 4));
            }
        }
    }

    private static float[] slice(float[] a, int row) {
        return new float[] {a[4 * row], a[4 * row + 1], a[4 * row + 2], a[4 * row + 3]};
    }
}
