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
        float[] g = CornerTargets.gaussian(2); // diameter 5, sigma 5/6, 2 sigma^2 = 25/18
        assertThat(g).hasSize(25);
        assertThat(g[12]).isEqualTo(1f);
        assertThat(g[13]).isCloseTo((float) Math.exp(-0.72), within(1e-6f)); // (dx, dy) = (1, 0)
        assertThat(g[18]).isCloseTo((float) Math.exp(-1.44), within(1e-6f)); // (1, 1)
        assertThat(g[24]).isCloseTo((float) Math.exp(-5.76), within(1e-6f)); // (2, 2): 8 * 18 / 25
        assertThat(g[0]).isEqualTo(g[24]);
        assertThat(CornerTargets.gaussian(0)).containsExactly(1f);
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
}
