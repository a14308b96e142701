package io.hdkd.plugin.retinanet;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hdkd.api.head.Boxes;
import org.junit.jupiter.api.Test;

class AnchorMatcherTest {

    private static final long BG = AnchorMatcher.BACKGROUND;
    private static final long IGN = AnchorMatcher.IGNORED;

    // anchors x boxes
    private static final float[][] IOU = {
        {0.60f, 0.10f}, // box 0's best, above fg: positive 0
        {0.45f, 0.20f}, // between 0.4 and 0.5: ignored
        {0.30f, 0.35f}, // below bg; box 1's best (0.35): forced positive, to its own argmax, box 1
        {0.10f, 0.00f}, // background
        {0.05f, 0.35f}, // tied for box 1's best: forced too
        {0.50f, 0.20f}, // exactly fg: positive
        {0.40f, 0.00f}, // exactly bg: ignored
    };

    @Test
    void thresholdsWithoutLowQualityMatches() {
        assertThat(match(new AnchorMatcher(0.5, 0.4, false), IOU)).containsExactly(0, IGN, BG, BG, BG, 0, IGN);
    }

    @Test
    void everyAnchorTiedForABoxsBestIouIsForcedPositive() {
        assertThat(match(new AnchorMatcher(0.5, 0.4, true), IOU)).containsExactly(0, IGN, 1, BG, 1, 0, IGN);
    }

    @Test
    void aForcedAnchorKeepsItsOwnBestBoxAsTorchvisionDoes() {
        // Box 0's best anchor is anchor 0 (0.3), whose own argmax is box 1 (0.35).
        float[][] iou = {{0.30f, 0.35f}, {0.10f, 0.90f}};
        assertThat(match(new AnchorMatcher(0.5, 0.4, true), iou)).containsExactly(1, 1);
    }

    @Test
    void aBoxOverlappingNoAnchorForcesNothing() {
        float[][] iou = {{0f, 0.7f}, {0f, 0.1f}};
        assertThat(match(new AnchorMatcher(0.5, 0.4, true), iou)).containsExactly(1, BG);
    }

    @Test
    void aBatchMatchesEachImageAsAloneAndNeverItsPaddingColumns() {
        // Image 0 is IOU; image 1 has one real box (column 0) and a padding column of IoU -1.
        float[][] padded = new float[IOU.length][];
        float[][] alone = new float[IOU.length][];
        for (int k = 0; k < IOU.length; k++) {
            padded[k] = new float[] {IOU[k][1], -1f};
            alone[k] = new float[] {IOU[k][1]};
        }
        AnchorMatcher matcher = new AnchorMatcher(0.5, 0.4, true);
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray matched = matcher.match(NDArrays.stack(new NDList(m.create(IOU), m.create(padded))));
            assertThat(matched.getShape()).isEqualTo(new Shape(2, IOU.length));
            assertThat(matched.get(0).toLongArray()).containsExactly(match(matcher, IOU));
            assertThat(matched.get(1).toLongArray()).containsExactly(match(matcher, alone));
        }
    }

    @Test
    void iouMatrixOfHandBoxes() {
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray anchors = m.create(new float[] {0, 0, 10, 10, 5, 5, 15, 15, 20, 20, 30, 30}, new Shape(3, 4));
            NDArray boxes = m.create(new float[] {0, 0, 10, 10, 0, 0, 5, 10, 7, 7, 7, 7}, new Shape(3, 4));
            float[] iou = Boxes.iouMatrix(anchors, boxes).toFloatArray();
            assertThat(iou).containsExactly(
                    1f, 0.5f, 0f,
                    25f / 175f, 0f, 0f,
                    0f, 0f, 0f);
        }
    }

    private static long[] match(AnchorMatcher matcher, float[][] iou) {
        try (NDManager m = NDManager.newBaseManager()) {
            return matcher.match(m.create(iou)).toLongArray();
        }
    }
}
