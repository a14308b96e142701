package io.hdkd.core.data.augment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.hdkd.api.InvalidInputException;
import io.hdkd.api.Options;
import io.hdkd.core.data.image.AffineWarp;
import io.hdkd.core.data.image.FloatImage;
import java.awt.geom.AffineTransform;
import java.awt.geom.NoninvertibleTransformException;
import java.awt.geom.Rectangle2D;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class AugmenterTest {

    private static final int W = 80;
    private static final int H = 60;

    private static AugmentConfig config(Map<String, String> given) {
        return AugmentConfig.fromOptions(Options.of("data.augment.", AugmentConfig.options(), given));
    }

    /** A one-channel mask: 1 inside the box's pixels. */
    private static FloatImage mask(int x1, int y1, int x2, int y2) {
        FloatImage m = FloatImage.zeros(1, H, W);
        for (int y = y1; y < y2; y++) {
            for (int x = x1; x < x2; x++) {
                m.set(0, y, x, 1);
            }
        }
        return m;
    }

    /** Tight box {x1, y1, x2, y2} (pixel edges) of mask values above one half, or null if none. */
    private static int[] tightBox(FloatImage m) {
        int minX = Integer.MAX_VALUE;
        int minY = Integer.MAX_VALUE;
        int maxX = -1;
        int maxY = -1;
        for (int y = 0; y < m.height(); y++) {
            for (int x = 0; x < m.width(); x++) {
                if (m.get(0, y, x) > 0.5f) {
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
    void transformedBoxesMatchTransformedMasks() {
        AugmentConfig cfg = config(Map.of("hflip", "0.5", "crop", "0.5", "crop-scale", "0.5,1", "scale-jitter",
                "0.7,1.4", "translate", "0.15", "min-visible", "0.0", "min-size", "0"));
        Augmenter aug = new Augmenter(cfg);
        int[][] boxes = {{10, 12, 30, 25}, {50, 5, 75, 40}, {3, 40, 20, 58}};
        int checked = 0;
        for (int seed = 0; seed < 40; seed++) {
            AugmentPlan plan = aug.sample(W, H, new SplittableRandom(seed));
            for (int[] b : boxes) {
                Boxes out = plan.apply(new Boxes(new float[] {b[0], b[1], b[2], b[3]}, new int[] {1}));
                int[] fromMask = tightBox(plan.apply(mask(b[0], b[1], b[2], b[3]), new float[] {0}));
                if (fromMask == null) {
                    // nothing of the object is left: its box must be gone too (or a sliver under one pixel)
                    assertThat(out.size() == 0 || (out.xyxy()[2] - out.xyxy()[0]) * (out.xyxy()[3] - out.xyxy()[1])
                            < 2).isTrue();
                    continue;
                }
                assertThat(out.size()).as("seed %d box %s", seed, b).isEqualTo(1);
                for (int k = 0; k < 4; k++) {
                    assertThat((double) out.xyxy()[k]).as("seed %d coord %d", seed, k).isCloseTo(fromMask[k],
                            within(1.5));
                }
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(80);
    }

    @Test
    void rotatedBoxContainsTheRotatedMaskAndIsTightForARectangle() {
        AugmentConfig cfg = config(Map.of("hflip", "0", "scale-jitter", "1,1", "rotate", "30", "min-visible", "0"));
        Augmenter aug = new Augmenter(cfg);
        for (int seed = 0; seed < 20; seed++) {
            AugmentPlan plan = aug.sample(W, H, new SplittableRandom(seed));
            Boxes out = plan.apply(new Boxes(new float[] {25, 18, 55, 40}, new int[] {0}));
            int[] fromMask = tightBox(plan.apply(mask(25, 18, 55, 40), new float[] {0}));
            assertThat(out.size()).isEqualTo(1);
            float[] b = out.xyxy();
            assertThat(b[0]).isLessThanOrEqualTo(fromMask[0] + 1f);
            assertThat(b[1]).isLessThanOrEqualTo(fromMask[1] + 1f);
            assertThat(b[2]).isGreaterThanOrEqualTo(fromMask[2] - 1f);
            assertThat(b[3]).isGreaterThanOrEqualTo(fromMask[3] - 1f);
            for (int k = 0; k < 4; k++) {
                assertThat((double) b[k]).isCloseTo(fromMask[k], within(2.0));
            }
        }
    }

    @Test
    void flipOfFlipIsIdentity() {
        FloatImage img = FloatImage.zeros(3, H, W);
        SplittableRandom r = new SplittableRandom(5);
        for (int i = 0; i < img.data().length; i++) {
            img.data()[i] = (float) r.nextDouble();
        }
        Augmenter flip = new Augmenter(config(Map.of("hflip", "1", "scale-jitter", "1,1")));
        AugmentPlan plan = flip.sample(W, H, new SplittableRandom(1));
        FloatImage once = plan.apply(img, new float[] {0, 0, 0});
        assertThat(once.get(0, 7, 0)).isEqualTo(img.get(0, 7, W - 1));
        FloatImage twice = plan.apply(once, new float[] {0, 0, 0});
        assertThat(twice.data()).containsExactly(img.data(), within(1e-6f));

        Boxes b = new Boxes(new float[] {10, 5, 30, 20}, new int[] {2});
        Boxes flipped = plan.apply(b);
        assertThat(flipped.xyxy()).containsExactly(new float[] {W - 30, 5, W - 10, 20}, within(1e-4f));
        assertThat(plan.apply(flipped).xyxy()).containsExactly(b.xyxy(), within(1e-4f));
        assertThat(flipped.labels()).containsExactly(2);
    }

    @Test
    void cropDropsObjectsBelowTheVisibleFraction() {
        double minVisible = 0.4;
        AugmentConfig cfg = config(Map.of("hflip", "0", "crop", "1", "crop-scale", "0.25,0.25", "crop-aspect", "1,1",
                "scale-jitter", "1,1", "min-visible", Double.toString(minVisible), "min-size", "0"));
        Augmenter aug = new Augmenter(cfg);
        // a grid of 10x10 boxes over the whole image
        int n = 0;
        float[] xyxy = new float[4 * 48];
        for (int y = 0; y + 10 <= H; y += 10) {
            for (int x = 0; x + 10 <= W; x += 10) {
                xyxy[4 * n] = x;
                xyxy[4 * n + 1] = y;
                xyxy[4 * n + 2] = x + 10;
                xyxy[4 * n + 3] = y + 10;
                n++;
            }
        }
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            labels[i] = i;
        }
        Boxes boxes = new Boxes(xyxy, labels);
        int dropped = 0;
        for (int seed = 0; seed < 10; seed++) {
            AugmentPlan plan = aug.sample(W, H, new SplittableRandom(seed));
            Rectangle2D crop;
            try {
                crop = plan.geometry().createInverse().createTransformedShape(new Rectangle2D.Double(0, 0, W, H))
                        .getBounds2D();
            } catch (NoninvertibleTransformException e) {
                throw new AssertionError(e);
            }
            assertThat(crop.getWidth() * crop.getHeight()).isCloseTo(0.25 * W * H, within(1.0));
            Boxes out = plan.apply(boxes);
            Set<Integer> kept = new HashSet<>();
            for (int l : out.labels()) {
                kept.add(l);
            }
            for (int i = 0; i < n; i++) {
                Rectangle2D box = new Rectangle2D.Double(xyxy[4 * i], xyxy[4 * i + 1], 10, 10);
                Rectangle2D inter = box.createIntersection(crop);
                double fraction = inter.isEmpty() ? 0 : inter.getWidth() * inter.getHeight() / 100.0;
                if (Math.abs(fraction - minVisible) > 1e-3) {
                    assertThat(kept.contains(i)).as("seed %d box %d fraction %.3f", seed, i, fraction)
                            .isEqualTo(fraction >= minVisible);
                }
                dropped += kept.contains(i) ? 0 : 1;
            }
            // kept boxes lie inside the output image
            for (int k = 0; k < out.size(); k++) {
                assertThat(out.xyxy()[4 * k]).isGreaterThanOrEqualTo(0);
                assertThat(out.xyxy()[4 * k + 2]).isLessThanOrEqualTo(W);
                assertThat(out.xyxy()[4 * k + 3]).isLessThanOrEqualTo(H);
            }
        }
        assertThat(dropped).isGreaterThan(0);
    }

    @Test
    void colourJitterChangesPixelsButNotBoxes() {
        AugmentConfig cfg = config(Map.of("hflip", "0", "scale-jitter", "1,1", "brightness", "0.4", "contrast", "0.4",
                "saturation", "0.4"));
        assertThat(cfg.geometric()).isFalse();
        Augmenter aug = new Augmenter(cfg);
        FloatImage img = FloatImage.zeros(3, H, W);
        SplittableRandom r = new SplittableRandom(2);
        for (int i = 0; i < img.data().length; i++) {
            img.data()[i] = (float) r.nextDouble(0.2, 0.8);
        }
        float[] before = img.data().clone();
        AugmentPlan plan = aug.sample(W, H, new SplittableRandom(3));
        FloatImage out = plan.apply(img, new float[] {0, 0, 0});
        assertThat(img.data()).containsExactly(before); // the input is not modified
        assertThat(out.data()).isNotEqualTo(before);
        for (float v : out.data()) {
            assertThat(v).isBetween(0f, 1f);
        }
        Boxes b = new Boxes(new float[] {1, 2, 30, 40, 5, 5, 79, 59}, new int[] {0, 1});
        Boxes moved = plan.apply(b);
        assertThat(moved.xyxy()).containsExactly(b.xyxy());
        assertThat(moved.labels()).containsExactly(0, 1);
    }

    @Test
    void sameRandomStateSamePlan() {
        Augmenter aug = new Augmenter(config(Map.of("crop", "0.5", "rotate", "10", "translate", "0.1",
                "brightness", "0.2")));
        AugmentPlan a = aug.sample(W, H, new SplittableRandom(99));
        AugmentPlan b = aug.sample(W, H, new SplittableRandom(99));
        assertThat(a.geometry()).isEqualTo(b.geometry());
        FloatImage img = FloatImage.zeros(3, H, W);
        Arrays.fill(img.data(), 0.5f);
        assertThat(a.apply(img, new float[] {0, 0, 0}).data()).containsExactly(b.apply(img, new float[] {0, 0, 0})
                .data());
    }

    @Test
    void badOptionsNameTheirKey() {
        assertThatThrownBy(() -> config(Map.of("scale-jitter", "1.2,0.8")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("data.augment.scale-jitter");
        assertThatThrownBy(() -> config(Map.of("hflip", "1.5")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("data.augment.hflip");
        assertThatThrownBy(() -> config(Map.of("hflp", "0.5")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("did you mean data.augment.hflip");
        AugmentConfig defaults = config(Map.of());
        assertThat(defaults.hflip()).isEqualTo(0.5);
        assertThat(defaults.scaleJitter()).containsExactly(0.8, 1.2);
        assertThat(AugmentConfig.NONE.geometric()).isFalse();
        assertThat(AugmentConfig.NONE.photometric()).isFalse();
    }

    @Test
    void identityTransformLeavesPixelsExact() {
        FloatImage img = FloatImage.zeros(3, H, W);
        for (int i = 0; i < img.data().length; i++) {
            img.data()[i] = (i % 17) / 17f;
        }
        FloatImage out = AffineWarp.warp(img, new AffineTransform(), W, H,
                new float[] {0, 0, 0});
        assertThat(out.data()).containsExactly(img.data(), within(1e-6f));
    }
}
