package io.hdkd.core.data.synth;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SceneRendererTest {

    /** Tight box {x1, y1, x2, y2} of non-black pixels inside the window, or null. */
    private static int[] inkBox(BufferedImage img, int x0, int y0, int x1, int y1) {
        int minX = Integer.MAX_VALUE;
        int minY = Integer.MAX_VALUE;
        int maxX = -1;
        int maxY = -1;
        for (int y = Math.max(0, y0); y < Math.min(img.getHeight(), y1); y++) {
            for (int x = Math.max(0, x0); x < Math.min(img.getWidth(), x1); x++) {
                if ((img.getRGB(x, y) & 0xffffff) != 0) {
                    minX = Math.min(minX, x);
                    minY = Math.min(minY, y);
                    maxX = Math.max(maxX, x);
                    maxY = Math.max(maxY, y);
                }
            }
        }
        return maxX < 0 ? null : new int[] {minX, minY, maxX + 1, maxY + 1};
    }

    @Test
    void boxesAreTheTightBoxesOfTheDrawnPixels() {
        // sparse objects are far apart: the ink around each box is that object's alone
        SceneRenderer r = new SceneRenderer(SynthPreset.SPARSE, 256);
        int checked = 0;
        for (int seed = 0; seed < 15; seed++) {
            Scene scene = r.render(new SplittableRandom(seed), false);
            for (Scene.SceneObject o : scene.objects()) {
                int[] ink = inkBox(scene.image(), o.x() - 4, o.y() - 4, o.x() + o.width() + 4, o.y() + o.height() + 4);
                assertThat(ink).isNotNull();
                // the box is the ink's box; a faintly covered edge pixel of a dark colour may round to black
                assertThat(ink[0] - o.x()).isBetween(0, 1);
                assertThat(ink[1] - o.y()).isBetween(0, 1);
                assertThat((o.x() + o.width()) - ink[2]).isBetween(0, 1);
                assertThat((o.y() + o.height()) - ink[3]).isBetween(0, 1);
                assertThat(o.area()).isPositive().isLessThanOrEqualTo(o.width() * o.height());
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(15);
    }

    @Test
    void clutterDoesNotChangeObjectsAndOccludedObjectsShrinkOrGo() {
        SceneRenderer r = new SceneRenderer(SynthPreset.DENSE, 128);
        int dropped = 0;
        for (int seed = 0; seed < 10; seed++) {
            Scene plain = r.render(new SplittableRandom(seed), false);
            Scene full = r.render(new SplittableRandom(seed), true);
            assertThat(full.objects()).isEqualTo(plain.objects());
            dropped += full.dropped();
            for (Scene.SceneObject o : plain.objects()) {
                // the object's pixels are its visible part: some ink lies inside its box
                int[] ink = inkBox(plain.image(), o.x(), o.y(), o.x() + o.width(), o.y() + o.height());
                assertThat(ink).isNotNull();
            }
        }
        assertThat(dropped).as("crowded scenes hide some objects").isPositive();
    }
}
