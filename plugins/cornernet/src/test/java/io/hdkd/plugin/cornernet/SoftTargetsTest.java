package io.hdkd.plugin.cornernet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.NormalInitializer;
import io.hdkd.api.DetectorHead;
import io.hdkd.api.ImageTargets;
import io.hdkd.api.LossTerms;
import io.hdkd.api.Options;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Scored boxes (a teacher's detections) as CornerNet targets: score 1 encodes exactly as ground truth, score 0.5
 * halves the Gaussians and marks corners of strength 0.5, score 0 is an absent box.
 */
class SoftTargetsTest {

    private static final int MAP = 16;
    private static final int STRIDE = 8;
    private static final int CLASSES = 3;
    private static final float[] BOXES = {13f, 21f, 90f, 71f, 40f, 50f, 120f, 110f};
    private static final int[] LABELS = {2, 0};

    private static ImageTargets targets(NDManager m, float[] boxes, int[] labels, float[] scores) {
        NDArray b = m.create(boxes, new Shape(labels.length, 4));
        NDArray l = m.create(labels, new Shape(labels.length));
        return scores == null ? new ImageTargets(b, l) : new ImageTargets(b, l, m.create(scores));
    }

    private static CornerTargets build(NDManager m, ImageTargets t) {
        return CornerTargets.build(List.of(t), CLASSES, MAP, MAP, STRIDE, 0.3, m);
    }

    @Test
    void scoreOneEncodesExactlyAsGroundTruth() {
        try (NDManager m = NDManager.newBaseManager()) {
            CornerTargets hard = build(m, targets(m, BOXES, LABELS, null));
            CornerTargets soft = build(m, targets(m, BOXES, LABELS, new float[] {1f, 1f}));
            assertThat(hard.soft()).isFalse();
            assertThat(soft.soft()).isTrue();
            assertThat(soft.tlHeatmap().toFloatArray()).containsExactly(hard.tlHeatmap().toFloatArray());
            assertThat(soft.brHeatmap().toFloatArray()).containsExactly(hard.brHeatmap().toFloatArray());
            // The peaks are exactly the ground truth's positives (the cells where the heatmap is 1).
            assertThat(soft.tlPeak().toFloatArray()).containsExactly(hard.tlHeatmap().eq(1f)
                    .toType(ai.djl.ndarray.types.DataType.FLOAT32, false).toFloatArray());
            assertThat(soft.tlCell()).containsExactly(hard.tlCell());
            assertThat(soft.brCell()).containsExactly(hard.brCell());
            assertThat(soft.tlOffset()).containsExactly(hard.tlOffset());
            assertThat(soft.image()).containsExactly(hard.image());
            assertThat(soft.score()).containsExactly(1f, 1f);
            assertThat(soft.heatmapWeight()).isEqualTo(2.0);
        }
    }

    @Test
    void scoreOneGivesTheGroundTruthLoss() {
        DetectorHead head = head();
        try (NDManager m = NDManager.newBaseManager()) {
            NDList raw = randomOutputs(m);
            LossTerms hard = head.loss(raw, List.of(targets(m, BOXES, LABELS, null)), new Shape(128, 128));
            LossTerms soft = head.loss(raw, List.of(targets(m, BOXES, LABELS, new float[] {1f, 1f})),
                    new Shape(128, 128));
            for (String term : hard.terms().keySet()) {
                float h = hard.terms().get(term).getFloat();
                assertThat(soft.terms().get(term).getFloat()).as(term).isCloseTo(h, within(1e-5f * Math.max(1, h)));
            }
        }
    }

    @Test
    void halfScoreHalvesTheGaussiansAndMarksCornersOfStrengthHalf() {
        try (NDManager m = NDManager.newBaseManager()) {
            CornerTargets hard = build(m, targets(m, BOXES, LABELS, null));
            CornerTargets soft = build(m, targets(m, BOXES, LABELS, new float[] {0.5f, 1f}));
            float[] h = hard.tlHeatmap().toFloatArray();
            float[] s = soft.tlHeatmap().toFloatArray();
            int plane = MAP * MAP;
            // Class 2 holds only the first box: its Gaussian is halved everywhere.
            for (int c = 2 * plane; c < 3 * plane; c++) {
                assertThat(s[c]).isEqualTo(h[c] * 0.5f);
            }
            // Class 0 holds the second box at score 1: unchanged.
            for (int c = 0; c < plane; c++) {
                assertThat(s[c]).isEqualTo(h[c]);
            }
            float[] peak = soft.tlPeak().toFloatArray();
            int tl = 2 * MAP + 1; // (13/8, 21/8) -> cell (1, 2)
            assertThat(peak[2 * plane + tl]).isEqualTo(0.5f);
            assertThat(peak[soft.tlCell()[1]]).isEqualTo(1f);
            float sum = 0;
            for (float v : peak) {
                sum += v;
            }
            assertThat(sum).as("one peak per box").isEqualTo(1.5f);
            assertThat(soft.score()).containsExactly(0.5f, 1f);
            assertThat(soft.heatmapWeight()).isEqualTo(1.5);
        }
    }

    @Test
    void softFocalAtAPeakPullsTowardTheScore() {
        try (NDManager m = NDManager.newBaseManager()) {
            // One cell, peak 0.5: the loss is |0.5 - p|^2 BCE(p, 0.5), smallest at p = 0.5.
            NDArray peak = m.create(new float[] {0.5f});
            float atHalf = CornerLosses.softFocal(m.create(new float[] {0f}), peak, peak, 1).getFloat();
            float atHigh = CornerLosses.softFocal(m.create(new float[] {2f}), peak, peak, 1).getFloat();
            assertThat(atHalf).isZero();
            double p = 1 / (1 + Math.exp(-2));
            double bce = -(0.5 * Math.log(p) + 0.5 * Math.log(1 - p));
            assertThat((double) atHigh).isCloseTo(Math.pow(p - 0.5, 2) * bce, within(1e-6));
        }
    }

    @Test
    void scoreZeroIsAnAbsentBox() {
        DetectorHead head = head();
        try (NDManager m = NDManager.newBaseManager()) {
            float[] three = {13f, 21f, 90f, 71f, 40f, 50f, 120f, 110f, 60f, 8f, 100f, 40f};
            ImageTargets withZero = targets(m, three, new int[] {2, 0, 1}, new float[] {0.7f, 1f, 0f});
            ImageTargets without = targets(m, BOXES, LABELS, new float[] {0.7f, 1f});
            CornerTargets a = build(m, withZero);
            CornerTargets b = build(m, without);
            assertThat(a.tlHeatmap().toFloatArray()).containsExactly(b.tlHeatmap().toFloatArray());
            assertThat(a.brPeak().toFloatArray()).containsExactly(b.brPeak().toFloatArray());
            assertThat(a.tlCell()).containsExactly(b.tlCell());
            NDList raw = randomOutputs(m);
            LossTerms la = head.loss(raw, List.of(withZero), new Shape(128, 128));
            LossTerms lb = head.loss(raw, List.of(without), new Shape(128, 128));
            for (String term : la.terms().keySet()) {
                assertThat(la.terms().get(term).getFloat()).as(term).isEqualTo(lb.terms().get(term).getFloat());
            }
        }
    }

    @Test
    void classWiseDuplicatesOfOneObjectShareOneEmbeddingEntry() {
        try (NDManager m = NDManager.newBaseManager()) {
            // The same box as class 2 (0.8) and class 1 (0.3): both heatmaps, one embedding and offset entry.
            float[] dup = {13f, 21f, 90f, 71f, 13f, 21f, 90f, 71f};
            CornerTargets t = build(m, targets(m, dup, new int[] {1, 2}, new float[] {0.3f, 0.8f}));
            assertThat(t.numObjects()).isEqualTo(1);
            assertThat(t.score()).containsExactly(0.8f);
            float[] peak = t.tlPeak().toFloatArray();
            int plane = MAP * MAP;
            assertThat(peak[plane + t.tlCell()[0]]).isEqualTo(0.3f);
            assertThat(peak[2 * plane + t.tlCell()[0]]).isEqualTo(0.8f);
            assertThat(t.heatmapWeight()).isCloseTo(1.1, within(1e-6));
        }
    }

    private static DetectorHead head() {
        CornerNetHeadFactory factory = new CornerNetHeadFactory();
        return factory.create(Options.of("model.head.", factory.options(), Map.of()),
                CornerNetHeadFactoryTest.context(CLASSES, CornerNetHeadFactoryTest.FPN));
    }

    private static NDList randomOutputs(NDManager m) {
        Random r = new Random(7);
        NDList out = new NDList();
        for (int c : new int[] {CLASSES, CLASSES, 1, 1, 2, 2}) {
            float[] v = new float[c * MAP * MAP];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) r.nextGaussian();
            }
            out.add(m.create(v, new Shape(1, c, MAP, MAP)));
        }
        return out;
    }
}
