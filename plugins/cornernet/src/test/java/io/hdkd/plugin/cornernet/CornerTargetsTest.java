package io.hdkd.plugin.cornernet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hdkd.api.ImageTargets;
import java.util.List;
import org.junit.jupiter.api.Test;

class CornerTargetsTest {

    @Test
    void gaussianRadiusIsTheSmallestOfTheThreeCases() {
        // h = 10, w = 20, IoU 0.3, by hand:
        // case 1: b = 30, c = 200 * 0.7 / 1.3 = 107.692; (30 + sqrt(900 - 430.769)) / 2 = 25.831
        // case 2: b = 60, c = 140, a = 4;  (60 + sqrt(3600 - 2240)) / 2 = 48.439
        // case 3: a = 1.2, b = -18, c = -140; (-18 + sqrt(324 + 672)) / 2 = (-18 + 31.55947) / 2 = 6.779736
        assertThat(CornerTargets.gaussianRadius(10, 20, 0.3)).isCloseTo(6.779734, within(1e-5));
        // a square 4 x 4: case 3 gives (-4.8 + sqrt(23.04 + 4 * 1.2 * 11.2)) / 2 = (-4.8 + 8.76356) / 2 = 1.98178
        assertThat(CornerTargets.gaussianRadius(4, 4, 0.3)).isCloseTo(1.981780, within(1e-5));
    }

    @Test
    void gaussianWindowHasSigmaOfDiameterOverSix() {
        float[] g = gaussian(2); // diameter 5, sigma 5/6, 2 sigma^2 = 25/18
        assertThat(g).hasSize(25);
        assertThat(g[12]).isEqualTo(1f);
        assertThat(g[13]).isCloseTo((float) Math.exp(-0.72), within(1e-6f)); // (dx, dy) = (1, 0)
        assertThat(g[18]).isCloseTo((float) Math.exp(-1.44), within(1e-6f)); // (1, 1)
        assertThat(g[24]).isCloseTo((float) Math.exp(-5.76), within(1e-6f)); // (2, 2): 8 * 18 / 25
        assertThat(g[0]).isEqualTo(g[24]);
        assertThat(gaussian(0)).containsExactly(1f);
    }

    @Test
    void oneBoxGivesGaussiansAtItsCornersAndSubCellOffsets() {
        try (NDManager manager = NDManager.newBaseManager()) {
            // stride 8 on a 16 x 16 map: corners at (13/8, 21/8) = cell (1, 2) and (90/8, 71/8) = cell (11, 8)
            ImageTargets t = new ImageTargets(manager.create(new float[] {13f, 21f, 90f, 71f}, new Shape(1, 4)),
                    manager.create(new int[] {2}));
            CornerTargets targets = CornerTargets.build(List.of(t), 3, 16, 16, 8, 0.3, manager);
            // box on the map: ceil(9.625) = 10 wide, ceil(6.25) = 7 high; case 3 gives
            // (-10.2 + sqrt(104.04 + 4 * 1.2 * 49)) / 2 = 4.109, so radius 4, diameter 9, sigma 1.5, 2 sigma^2 = 4.5
            assertThat(CornerTargets.gaussianRadius(7, 10, 0.3)).isCloseTo(4.109234, within(1e-5));
            float[] tl = targets.tlHeatmap().toFloatArray();
            float[] br = targets.brHeatmap().toFloatArray();
            int plane = 256;
            int cls = 2 * plane;
            assertThat(tl[cls + 2 * 16 + 1]).isEqualTo(1f);
            assertThat(tl[cls + 2 * 16 + 2]).isCloseTo((float) Math.exp(-1 / 4.5), within(1e-6f)); // (1, 0)
            assertThat(tl[cls + 4 * 16 + 3]).isCloseTo((float) Math.exp(-8 / 4.5), within(1e-6f)); // (2, 2)
            assertThat(tl[cls]).isCloseTo((float) Math.exp(-5 / 4.5), within(1e-6f)); // (-1, -2), at the clipped edge
            assertThat(tl[cls + 6 * 16 + 5]).isCloseTo((float) Math.exp(-32 / 4.5), within(1e-6f)); // (4, 4)
            assertThat(tl[cls + 7 * 16 + 1]).as("beyond the radius").isZero();
            assertThat(tl[cls + 2 * 16 + 6]).as("beyond the radius").isZero();
            assertThat(br[cls + 8 * 16 + 11]).isEqualTo(1f);
            assertThat(tl[plane + 2 * 16 + 1]).as("other classes stay empty").isZero();
            assertThat(targets.tlCell()).containsExactly(2 * 16 + 1);
            assertThat(targets.brCell()).containsExactly(8 * 16 + 11);
            assertThat(targets.tlOffset()[0]).isCloseTo(13f / 8 - 1, within(1e-6f));
            assertThat(targets.tlOffset()[1]).isCloseTo(21f / 8 - 2, within(1e-6f));
            assertThat(targets.brOffset()[0]).isCloseTo(90f / 8 - 11, within(1e-6f));
            assertThat(targets.brOffset()[1]).isCloseTo(71f / 8 - 8, within(1e-6f));
        }
    }
    /** The naive reference: the window of side 2r + 1 drawn cell by cell. */
    static float[] gaussian(int radius) {
        int diameter = 2 * radius + 1;
        double sigma = diameter / 6.0;
        float[] g = new float[diameter * diameter];
        for (int dy = -radius; dy <= radius; dy++) {
            for (int dx = -radius; dx <= radius; dx++) {
                double v = Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
                g[(dy + radius) * diameter + dx + radius] = v < Math.ulp(1.0f) ? 0f : (float) v;
            }
        }
        return g;
    }

    /** The naive reference: element-wise max of the window into one H x W plane at {@code offset}, clipped. */
    static void drawGaussian(float[] map, int offset, int height, int width, int cx, int cy, int radius) {
        float[] g = gaussian(radius);
        int diameter = 2 * radius + 1;
        for (int dy = -radius; dy <= radius; dy++) {
            for (int dx = -radius; dx <= radius; dx++) {
                int x = cx + dx;
                int y = cy + dy;
                if (x >= 0 && x < width && y >= 0 && y < height) {
                    int i = offset + y * width + x;
                    map[i] = Math.max(map[i], g[(dy + radius) * diameter + dx + radius]);
                }
            }
        }
    }

    @Test
    void arrayHeatmapsMatchTheNaiveDrawingWithOverlaps() {
        java.util.Random random = new java.util.Random(7);
        int planes = 5;
        int height = 11;
        int width = 13;
        int m = 12; // more objects than planes: several share a plane and overlap
        int[] plane = new int[m];
        int[] cell = new int[m];
        int[] radius = new int[m];
        float[] expected = new float[planes * height * width];
        for (int k = 0; k < m; k++) {
            plane[k] = random.nextInt(planes);
            int x = random.nextInt(width);
            int y = random.nextInt(height);
            cell[k] = y * width + x;
            radius[k] = random.nextInt(5);
            drawGaussian(expected, plane[k] * height * width, height, width, x, y, radius[k]);
        }
        try (NDManager manager = NDManager.newBaseManager()) {
            float[] actual = CornerTargets.heatmaps(plane, cell, radius, null, planes, height, width, manager)
                    .toFloatArray();
            assertThat(actual).containsExactly(expected, within(1e-6f));
            assertThat(CornerTargets.heatmaps(new int[0], new int[0], new int[0], null, planes, height, width, manager)
                    .toFloatArray()).containsOnly(0f);
        }
    }
}
