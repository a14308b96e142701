package io.hdkd.plugin.retinanet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hdkd.api.ImageTargets;
import io.hdkd.api.LossTerms;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Scored boxes (a teacher's detections) as RetinaNet targets: score 1 encodes exactly as ground truth, score 0.5 puts
 * 0.5 on its anchors' class targets and weights their box terms by 0.5, score 0 is an absent box.
 */
class SoftTargetsTest {

    private static final Shape INPUT = new Shape(64, 64);
    private static final float[] BOXES = {4f, 6f, 36f, 30f, 20f, 24f, 60f, 62f};
    private static final int[] LABELS = {1, 2};
    private final RetinaNetHead head = Heads.create(3, Heads.levels(3, 4, 8), Map.of());

    private static ImageTargets targets(NDManager m, float[] boxes, int[] labels, float[] scores) {
        NDArray b = m.create(boxes, new Shape(labels.length, 4));
        NDArray l = m.create(labels, new Shape(labels.length));
        return scores == null ? new ImageTargets(b, l) : new ImageTargets(b, l, m.create(scores));
    }

    @Test
    void scoreOneEncodesExactlyAsGroundTruth() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDList hard = head.encode(m, List.of(targets(m, BOXES, LABELS, null)), INPUT);
            NDList soft = head.encode(m, List.of(targets(m, BOXES, LABELS, new float[] {1f, 1f})), INPUT);
            for (int i = 0; i < hard.size(); i++) {
                assertThat(soft.get(i).toFloatArray()).as("target %d", i).containsExactly(hard.get(i).toFloatArray());
            }
            assertThat(hard.get(2).sum().getFloat()).as("some anchors are positive").isPositive();
        }
    }

    @Test
    void halfScoreHalvesTheClassTargetsAndWeightsOfItsAnchors() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDList hard = head.encode(m, List.of(targets(m, BOXES, LABELS, null)), INPUT);
            NDList soft = head.encode(m, List.of(targets(m, BOXES, LABELS, new float[] {0.5f, 1f})), INPUT);
            float[] hc = hard.get(0).toFloatArray();
            float[] sc = soft.get(0).toFloatArray();
            int classes = 3;
            int halved = 0;
            for (int a = 0; a < hc.length / classes; a++) {
                // Anchors of box 0 (class 1) carry 0.5; those of box 1 (class 2) stay 1.
                assertThat(sc[a * classes + 1]).isEqualTo(hc[a * classes + 1] * 0.5f);
                assertThat(sc[a * classes + 2]).isEqualTo(hc[a * classes + 2]);
                halved += hc[a * classes + 1] == 1f ? 1 : 0;
            }
            assertThat(halved).isPositive();
            float[] hw = hard.get(2).toFloatArray();
            float[] sw = soft.get(2).toFloatArray();
            for (int a = 0; a < hw.length; a++) {
                float expected = hc[a * classes + 1] == 1f ? 0.5f : hw[a];
                assertThat(sw[a]).isEqualTo(expected);
            }
            assertThat(soft.get(1).toFloatArray()).containsExactly(hard.get(1).toFloatArray());
        }
    }

    @Test
    void aBatchOfImagesWithDifferentBoxCountsEncodesAsEachImageAlone() {
        // Assignment runs on the batch at once, boxes padded to the most of any image: the padding, an image without
        // boxes and a box of score 0 must change no image's targets.
        try (NDManager m = NDManager.newBaseManager()) {
            float[] three = {4f, 6f, 36f, 30f, 20f, 24f, 60f, 62f, 2f, 40f, 30f, 63f};
            List<ImageTargets> batch = List.of(
                    targets(m, three, new int[] {1, 2, 0}, new float[] {0.7f, 1f, 0f}),
                    targets(m, new float[0], new int[0], null),
                    targets(m, new float[] {8f, 8f, 40f, 48f}, new int[] {2}, null));
            NDList together = head.encode(m, batch, INPUT);
            for (int image = 0; image < batch.size(); image++) {
                NDList alone = head.encode(m, List.of(batch.get(image)), INPUT);
                for (int i = 0; i < alone.size(); i++) {
                    assertThat(together.get(i).get(image).toFloatArray()).as("image %d, target %d", image, i)
                            .containsExactly(alone.get(i).get(0).toFloatArray());
                }
            }
            assertThat(together.get(2).get(1).sum().getFloat()).as("no positives without boxes").isZero();
            assertThat(together.get(2).get(2).sum().getFloat()).isPositive();
        }
    }

    @Test
    void scoreZeroIsAnAbsentBox() {
        try (NDManager m = NDManager.newBaseManager()) {
            float[] three = {4f, 6f, 36f, 30f, 20f, 24f, 60f, 62f, 2f, 40f, 30f, 63f};
            ImageTargets withZero = targets(m, three, new int[] {1, 2, 0}, new float[] {0.7f, 1f, 0f});
            ImageTargets without = targets(m, BOXES, LABELS, new float[] {0.7f, 1f});
            NDList a = head.encode(m, List.of(withZero), INPUT);
            NDList b = head.encode(m, List.of(without), INPUT);
            for (int i = 0; i < a.size(); i++) {
                assertThat(a.get(i).toFloatArray()).as("target %d", i).containsExactly(b.get(i).toFloatArray());
            }
            NDList raw = randomOutputs(m);
            LossTerms la = head.loss(raw, List.of(withZero), INPUT);
            LossTerms lb = head.loss(raw, List.of(without), INPUT);
            for (String term : la.terms().keySet()) {
                assertThat(la.terms().get(term).getFloat()).as(term).isEqualTo(lb.terms().get(term).getFloat());
            }
        }
    }

    @Test
    void scoreOneGivesTheGroundTruthLossUpToRounding() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDList raw = randomOutputs(m);
            LossTerms hard = head.loss(raw, List.of(targets(m, BOXES, LABELS, null)), INPUT);
            LossTerms soft = head.loss(raw, List.of(targets(m, BOXES, LABELS, new float[] {1f, 1f})), INPUT);
            for (String term : hard.terms().keySet()) {
                float h = hard.terms().get(term).getFloat();
                assertThat(soft.terms().get(term).getFloat()).as(term).isCloseTo(h, within(1e-5f * Math.max(1, h)));
            }
        }
    }

    /** Raw outputs of the head's shapes for a 64 x 64 input, seeded. */
    private NDList randomOutputs(NDManager m) {
        Random r = new Random(3);
        NDList out = new NDList();
        int anchorsPerCell = 9;
        int[] cells = {8 * 8, 4 * 4};
        for (int width : new int[] {3, 4}) {
            for (int c : cells) {
                float[] v = new float[c * anchorsPerCell * width];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) (0.5 * r.nextGaussian());
                }
                out.add(m.create(v, new Shape(1, (long) c * anchorsPerCell, width)));
            }
        }
        return out;
    }
}
