package io.hdkd.plugin.kdlosses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hdkd.api.ImageTargets;
import org.junit.jupiter.api.Test;

class DetectionTargetsTest {

    // Ground truth: two objects. Teacher: the first object found (0.9), the second's class confused (0.6 as class
    // 2 instead of 1), a low-scored false positive (0.2), and an extra box (0.5).
    private static final float[] GT = {0, 0, 10, 10, 20, 20, 40, 40};
    private static final int[] GT_LABELS = {0, 1};
    private static final float[] T = {0.5f, 0, 10, 10.5f, 20, 20, 40, 41, 50, 50, 60, 60, 5, 30, 15, 45};
    private static final int[] T_LABELS = {0, 2, 1, 0};
    private static final float[] T_SCORES = {0.9f, 0.6f, 0.2f, 0.5f};

    private static DetectionTargets.Merged merge(DetectionTargets.Merge mode, double threshold, int topK,
            double power) {
        try (NDManager m = NDManager.newBaseManager()) {
            ImageTargets gt = new ImageTargets(m.create(GT, new Shape(2, 4)), m.create(GT_LABELS));
            ImageTargets teacher = new ImageTargets(m.create(T, new Shape(4, 4)), m.create(T_LABELS),
                    m.create(T_SCORES));
            return DetectionTargets.merge(gt, teacher,
                    new DetectionTargets.Settings(threshold, topK, power, mode, 0.5, 0.5));
        }
    }

    @Test
    void unionKeepsTheGroundTruthAndAddsTheTeacherBoxesThatMatchNone() {
        DetectionTargets.Merged u = merge(DetectionTargets.Merge.UNION, 0.3, 100, 1);
        // GT (score 1), then the unmatched teacher boxes best first: the confused class (0.6), the extra box (0.5);
        // the first teacher box matches GT 0 (same class, IoU 0.91) and the 0.2 box is below the threshold.
        assertThat(u.labels()).containsExactly(0, 1, 2, 0);
        assertThat(u.scores()).containsExactly(1f, 1f, 0.6f, 0.5f);
        assertThat(u.fromTeacher()).isEqualTo(2);
        assertThat(u.boxes()).startsWith(GT);
    }

    @Test
    void rescoredGivesTheGroundTruthTheTeachersScore() {
        DetectionTargets.Merged r = merge(DetectionTargets.Merge.RESCORED, 0.3, 100, 1);
        // GT 0 found at 0.9; GT 1 not found in its own class, so it stays at 1.
        assertThat(r.scores()).containsExactly(0.9f, 1f, 0.6f, 0.5f);
    }

    @Test
    void teacherAloneIgnoresTheGroundTruth() {
        DetectionTargets.Merged t = merge(DetectionTargets.Merge.TEACHER, 0.1, 100, 1);
        assertThat(t.labels()).containsExactly(0, 2, 0, 1);
        assertThat(t.scores()).containsExactly(0.9f, 0.6f, 0.5f, 0.2f);
        assertThat(t.fromTeacher()).isEqualTo(4);
    }

    @Test
    void topKAndSharpening() {
        DetectionTargets.Merged t = merge(DetectionTargets.Merge.TEACHER, 0.0, 2, 0.5);
        assertThat(t.labels()).containsExactly(0, 2);
        assertThat(t.scores()[0]).isCloseTo((float) Math.sqrt(0.9), within(1e-6f));
        assertThat(t.scores()[1]).isCloseTo((float) Math.sqrt(0.6), within(1e-6f));
    }

    @Test
    void hardPseudoLabelsDropScoresAndBoxesBelowTheThreshold() {
        DetectionTargets.Merged u = merge(DetectionTargets.Merge.UNION, 0.3, 100, 1);
        try (NDManager m = NDManager.newBaseManager()) {
            ImageTargets hard = u.toTargets(m, false, 0.55);
            assertThat(hard.scored()).isFalse();
            assertThat(hard.labels().toIntArray()).containsExactly(0, 1, 2);
            ImageTargets soft = u.toTargets(m, true, 0.55);
            assertThat(soft.scores().toFloatArray()).containsExactly(1f, 1f, 0.6f, 0.5f);
        }
    }

    @Test
    void iou() {
        assertThat(DetectionTargets.iou(new float[] {0, 0, 10, 10}, new float[] {5, 0, 15, 10}))
                .isCloseTo(50.0 / 150, within(1e-9));
        assertThat(DetectionTargets.iou(new float[] {0, 0, 10, 10}, new float[] {10, 0, 20, 10})).isZero();
    }
}
