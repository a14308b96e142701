package io.hdkd.core.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.hdkd.api.InvalidInputException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;

/**
 * Protocol cases with answers derived by hand from pycocotools' evaluate/accumulate/summarize (there is no
 * pycocotools on this machine). Reminders used in the derivations:
 * <ul>
 *   <li>AP for one (IoU, area) = mean over the 101 recall thresholds r_i = i*0.01 of the monotone precision at the
 *       first detection whose recall >= r_i, 0 past the last; precision = tp / (tp + fp + 2.2e-16).
 *   <li>With perfect, well-separated detections, every IoU threshold gives the same numbers, so AP = AP50 = AP75.
 *   <li>If recall tops out at rho with precision 1, AP = #{i : r_i <= rho} / 101.
 * </ul>
 */
class CocoEvaluatorTest {

    private static final Offset<Double> EPS = within(1e-9);

    private static void assertStats(CocoStats s, double... expected) {
        for (int i = 0; i < expected.length; i++) {
            assertThat(s.stats()[i]).as(CocoStats.NAMES.get(i)).isCloseTo(expected[i], EPS);
        }
    }

    @Test
    void perfectDetectionsScoreOne() {
        Scene s = new Scene().categories(1).gt(1, 1, 10, 10, 50, 50).det(1, 1, 10, 10, 50, 50, 0.9);
        // One medium object, found exactly: every AP/AR defined is 1, small and large are undefined.
        assertStats(s.evaluate(), 1, 1, 1, -1, 1, -1, 1, 1, 1, -1, 1, -1);
    }

    /**
     * Crowd region C = [100,100,50,50] and a regular object G = [0,0,10,10] (small). Detections by score:
     * d2 0.95 and d3 0.90 inside C (crowd IoU = inter / det area = 1), d4 0.85 = [130,100,25,20] with crowd IoU
     * 400/500 = 0.8, d1 0.80 exactly on G.
     * <ul>
     *   <li>IoU thresholds 0.50..0.80 (7 of them): d2, d3, d4 all absorbed by the crowd and ignored (the crowd is never
     *       used up), d1 a TP: precision 1 at recall 1, AP_t = 1.
     *   <li>0.85, 0.90, 0.95: d4 is unmatched (0.8 < t) and its area 500 is inside every range it is evaluated in
     *       (all, small), so it is a FP before d1: precision 1/2, AP_t = 1/2.
     * </ul>
     * AP = (7 + 3 * 0.5) / 10 = 0.85; AP50 = AP75 = 1; APs the same as AP (G is small); medium/large have no
     * non-crowd GT: -1. AR1 = 0: each image's single best detection (d2) sits on the crowd. AR10 = AR100 = 1.
     * Were the crowd a regular object (IoU 0.04 with d2), AP would drop to about 1/4.
     */
    @Test
    void crowdRegionIgnoresAndAbsorbsSeveralDetections() {
        Scene s = new Scene().categories(7)
                .gt(1, 7, 0, 0, 10, 10)
                .crowd(1, 7, 100, 100, 50, 50)
                .det(1, 7, 110, 110, 10, 10, 0.95)
                .det(1, 7, 120, 120, 10, 10, 0.90)
                .det(1, 7, 130, 100, 25, 20, 0.85)
                .det(1, 7, 0, 0, 10, 10, 0.80);
        CocoStats stats = s.evaluate();
        assertStats(stats, 0.85, 1, 1, 0.85, -1, -1, 0, 1, 1, 1, -1, -1);
        // The found share leaves crowds out: 1 of 1.
        assertThat(stats.gtCount()).isEqualTo(1);
        assertThat(stats.gtFound()).isEqualTo(1);
    }

    /**
     * One class, five objects: s (area 100), b1 (exactly 32^2 = 1024, missed), m (5000), b2 (exactly 96^2 = 9216,
     * missed), l (14400). Detections: an unmatched large FP 0.95, then l 0.9, m 0.8, s 0.7, all exact.
     * <ul>
     *   <li>all: npig 5; FP, TP, TP, TP: recall .2/.4/.6, monotone precision 3/4; r_i <= 0.6 for i = 0..60:
     *       AP = 61/101 * 3/4. AR100 = AR10 = 0.6; AR1 = 0, as the image's single best
     *       detection is the FP.
     *   <li>small [0, 1024] inclusive: s and b1 count (npig 2). The FP (14400) is unmatched and outside: ignored;
     *       l and m match GTs ignored here: ignored. s is a TP: recall 1/2, APs = 51/101, ARs = 0.5.
     *   <li>medium [1024, 9216]: b1, m, b2 count (npig 3); FP ignored (outside); m TP; l, s match ignored GTs.
     *       recall 1/3: r_i <= 0.333.. for i = 0..33: APm = 34/101, ARm = 1/3.
     *   <li>large [9216, 1e10]: b2, l count (npig 2); the FP is inside the range: FP, then l TP (precision 1/2),
     *       m and s ignored: APl = 51/101 * 1/2, ARl = 0.5.
     * </ul>
     * Exclusive bounds would give ARs = 1 (b1 not counted) and ARl = 1.
     */
    @Test
    void areaRangesUseTheAreaFieldWithInclusiveBounds() {
        Scene s = new Scene().categories(1)
                .gt(1, 1, 0, 0, 10, 10)
                .gt(1, 1, 50, 0, 32, 32)
                .gt(1, 1, 100, 0, 50, 100)
                .gt(1, 1, 200, 0, 96, 96)
                .gt(1, 1, 400, 0, 120, 120)
                .det(1, 1, 600, 600, 120, 120, 0.95)
                .det(1, 1, 400, 0, 120, 120, 0.9)
                .det(1, 1, 100, 0, 50, 100, 0.8)
                .det(1, 1, 0, 0, 10, 10, 0.7);
        double ap = 61.0 / 101 * 0.75;
        assertStats(s.evaluate(), ap, ap, ap, 51.0 / 101, 34.0 / 101, 51.0 / 101 * 0.5,
                0, 0.6, 0.6, 0.5, 1.0 / 3, 0.5);
    }

    /**
     * The GT's {@code area} field, not its box, decides its range: a 40x40 box (1600, medium by w*h) declared with
     * area 500 is small. Its exact detection (w*h 1600) is a TP in "small"; in "medium" it matches an ignored GT,
     * so it is ignored, and medium has no GT at all: -1.
     */
    @Test
    void areaFieldNotBoxDecidesTheRange() {
        Scene s = new Scene().categories(1)
                .gt(1, 1, 0, 0, 40, 40, 500, false)
                .det(1, 1, 0, 0, 40, 40, 0.9);
        assertStats(s.evaluate(), 1, 1, 1, 1, -1, -1, 1, 1, 1, 1, -1, -1);
    }

    /**
     * 120 small objects in one image and 120 exact detections with distinct scores, in shuffled file order. Only the
     * 100 best per (image, category) count: recall 100/120, precision 1: AP = #{i : i*0.01 <= 0.8333} / 101 =
     * 84/101; AR1 = 1/120, AR10 = 10/120, AR100 = 100/120. A second class in the same image with 5 objects and 5
     * exact detections is unaffected (maxDets is per class): its AP is 1, AR1 1/5. Means over the two classes.
     */
    @Test
    void onlyTheHundredBestDetectionsPerImageAndClassCount() {
        Scene s = new Scene().categories(1, 2);
        List<CocoDetection> dets = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            double x = (i % 12) * 50;
            double y = (i / 12) * 50;
            s.gt(1, 1, x, y, 20, 20);
            // Detection i has score decreasing with i: 0..99 are kept, 100..119 dropped.
            dets.add(new CocoDetection(1, 1, x, y, 20, 20, 1.0 - i * 0.001));
        }
        for (int i = 0; i < 5; i++) {
            s.gt(1, 2, 700 + i * 50, 900, 20, 20);
            dets.add(new CocoDetection(1, 2, 700 + i * 50, 900, 20, 20, 0.5 - i * 0.01));
        }
        Collections.shuffle(dets, new Random(3));
        s.dets.addAll(dets);
        double ap = (84.0 / 101 + 1) / 2;
        double ar1 = (1.0 / 120 + 1.0 / 5) / 2;
        double ar10 = (10.0 / 120 + 1) / 2;
        double ar100 = (100.0 / 120 + 1) / 2;
        assertStats(s.evaluate(), ap, ap, ap, ap, -1, -1, ar1, ar10, ar100, ar100, -1, -1);
    }

    /**
     * Image 1 has one object found by a 0.5-score detection; image 2 has no GT, only two FPs at 0.9 and 0.8.
     * Pooled: FP, FP, TP: precision 1/3 at recall 1, monotone back to the start: AP = 1/3. AR100 = 1; AR1 = 1
     * (image 1's best detection is its TP). Image 3 has nothing and changes nothing.
     */
    @Test
    void imageWithOnlyFalsePositives() {
        Scene s = new Scene().categories(1)
                .gt(1, 1, 0, 0, 100, 100)
                .image(2).image(3)
                .det(2, 1, 0, 0, 100, 100, 0.9)
                .det(2, 1, 300, 300, 100, 100, 0.8)
                .det(1, 1, 0, 0, 100, 100, 0.5);
        double third = 1.0 / 3;
        assertStats(s.evaluate(), third, third, third, -1, -1, third, 1, 1, 1, -1, -1, 1);
    }

    /**
     * Class 1 found perfectly (AP 1), class 2 has GT and no detections (AP 0), class 3 has detections and no GT
     * (undefined, left out of the mean), class 4 has neither. AP = (1 + 0) / 2, AR = 1/2.
     */
    @Test
    void classesWithoutDetectionsCountZeroAndClassesWithoutGroundTruthAreLeftOut() {
        Scene s = new Scene().categories(1, 2, 3, 4)
                .gt(1, 1, 0, 0, 50, 50)
                .gt(1, 2, 100, 100, 50, 50)
                .det(1, 1, 0, 0, 50, 50, 0.9)
                .det(1, 3, 300, 300, 50, 50, 0.8);
        CocoStats stats = s.evaluate();
        assertStats(stats, 0.5, 0.5, 0.5, -1, 0.5, -1, 0.5, 0.5, 0.5, -1, 0.5, -1);
        assertThat(stats.perClass()).extracting(CocoStats.ClassResult::ap)
                .satisfiesExactly(
                        v -> assertThat(v).isCloseTo(1, EPS),
                        v -> assertThat(v).isCloseTo(0, EPS),
                        v -> assertThat(v).isEqualTo(-1),
                        v -> assertThat(v).isEqualTo(-1));
        assertThat(stats.perClass()).extracting(CocoStats.ClassResult::gtCount).containsExactly(1L, 1L, 0L, 0L);
    }

    /**
     * A detection with IoU exactly 0.75 ([0,0,100,75] on [0,0,100,100]) matches at thresholds 0.50..0.75 (6 of 10)
     * and not above: AP = 0.6, AP50 = AP75 = 1.
     */
    @Test
    void iouEqualToTheThresholdMatches() {
        Scene s = new Scene().categories(1).gt(1, 1, 0, 0, 100, 100).det(1, 1, 0, 0, 100, 75, 0.9);
        CocoStats stats = s.evaluate();
        assertThat(stats.get("AP")).isCloseTo(0.6, EPS);
        assertThat(stats.get("AP50")).isCloseTo(1, EPS);
        assertThat(stats.get("AP75")).isCloseTo(1, EPS);
        assertThat(stats.get("AR100")).isCloseTo(0.6, EPS);
    }

    /**
     * Equal scores in different images are pooled in image-id order, whatever the file order: image 1's FP comes
     * before image 2's TP, so precision at recall 1 is 1/2: AP = 0.5 (TP first would give 1).
     */
    @Test
    void scoreTiesAcrossImagesFollowImageIdOrder() {
        Scene s = new Scene().categories(1)
                .gt(2, 1, 0, 0, 100, 100)
                .image(1)
                .det(2, 1, 0, 0, 100, 100, 0.5)
                .det(1, 1, 0, 0, 100, 100, 0.5);
        assertThat(s.evaluate().get("AP")).isCloseTo(0.5, EPS);
    }

    /**
     * Precision is sampled at numpy's linspace recall thresholds, i*0.01, which exceed i/100 for
     * i in {35, 41, 47, 57, 69, 70, 82, 83, 94, 95} (checked with numpy 1.24). 100 objects over 4 images, detections
     * alternating TP, FP by global score. At the k-th TP recall is k/100 and the monotone precision k/(2k-1); a
     * threshold i*0.01 > i/100 skips to TP i+1. Mean over the 101 thresholds = 0.5212019315366118 (computed with
     * numpy's thresholds); with i/100 thresholds it would be 0.5212096..., 7.7e-6 away.
     */
    @Test
    void recallThresholdsAreNumpyLinspaceValues() {
        Scene s = new Scene().categories(1);
        int n = 0;
        for (int img = 1; img <= 4; img++) {
            for (int j = 0; j < 25; j++) {
                double x = j * 30;
                s.gt(img, 1, x, 0, 20, 20);
                double score = 1.0 - n * 0.002;
                s.det(img, 1, x, 0, 20, 20, score); // TP
                s.det(img, 1, x, 500, 20, 20, score - 0.001); // FP just below it
                n++;
            }
        }
        // Scores interleave across images: image-major numbering, so global order is TP1, FP1, TP2, FP2, ...
        assertThat(s.evaluate().get("AP")).isCloseTo(0.5212019315366118, within(1e-12));
    }

    /**
     * Found share: an object counts once some detection of its class overlaps it with IoU >= 0.5. g1 has a
     * detection at IoU exactly 0.5 (found), g2 only one at 0.4, g3 only a detection of another class; the crowd is
     * not counted. 1 of 3.
     */
    @Test
    void foundShareCountsObjectsWithARightClassDetectionAtHalfIou() {
        Scene s = new Scene().categories(1, 2)
                .gt(1, 1, 0, 0, 10, 10)
                .gt(1, 1, 20, 0, 10, 10)
                .gt(1, 1, 40, 0, 10, 10)
                .crowd(1, 1, 100, 100, 50, 50)
                .det(1, 1, 0, 0, 10, 5, 0.9)
                .det(1, 1, 20, 0, 10, 4, 0.9)
                .det(1, 2, 40, 0, 10, 10, 0.9)
                .det(1, 1, 100, 100, 50, 50, 0.9);
        CocoStats stats = s.evaluate();
        assertThat(stats.gtFound()).isEqualTo(1);
        assertThat(stats.gtCount()).isEqualTo(3);
        assertThat(stats.foundShare()).isCloseTo(1.0 / 3, EPS);
    }

    @Test
    void detectionsOfUnknownImagesOrCategoriesAreRefused() {
        Scene s = new Scene().categories(1).gt(1, 1, 0, 0, 10, 10).det(9, 1, 0, 0, 10, 10, 0.5);
        assertThatThrownBy(s::evaluate).isInstanceOf(InvalidInputException.class)
                .hasMessage("detection #1: image_id 9 is not an image of the ground truth");
        Scene t = new Scene().categories(1).gt(1, 1, 0, 0, 10, 10).det(1, 5, 0, 0, 10, 10, 0.5);
        assertThatThrownBy(t::evaluate).isInstanceOf(InvalidInputException.class)
                .hasMessage("detection #1: category_id 5 is not a category of the ground truth");
    }

    @Test
    void noDetectionsAtAll() {
        Scene s = new Scene().categories(1).gt(1, 1, 0, 0, 50, 50);
        assertStats(s.evaluate(), 0, 0, 0, -1, 0, -1, 0, 0, 0, -1, 0, -1);
    }
}
