package io.hdkd.plugin.kdlosses;

import static io.hdkd.plugin.kdlosses.Fixtures.randn;
import static io.hdkd.plugin.kdlosses.Fixtures.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.hdkd.api.DistillationLoss;
import io.hdkd.api.DistillationPair;
import io.hdkd.api.HeadOutput;
import io.hdkd.api.InvalidInputException;
import io.hdkd.api.OutputKind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code ld}: zero for the teacher's own boxes, hand-computed values, and a gradient toward the teacher's boxes. */
class LocalizationLossTest {

    private static final List<HeadOutput> OUTPUTS = List.of(
            new HeadOutput("cls_p3", OutputKind.CLASS_LOGITS_SIGMOID, 8),
            new HeadOutput("cls_p4", OutputKind.CLASS_LOGITS_SIGMOID, 16),
            new HeadOutput("box_p3", OutputKind.BOX_REGRESSION, 8),
            new HeadOutput("box_p4", OutputKind.BOX_REGRESSION, 16));

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private static DistillationLoss create(DistillationPair pair, Map<String, String> given) {
        LocalizationLossFactory factory = new LocalizationLossFactory();
        return factory.create(Fixtures.options(factory, given), Fixtures.context(pair));
    }

    private static DistillationLoss create(Map<String, String> given) {
        return create(Fixtures.headPair(OUTPUTS, OUTPUTS, "retinanet", "retinanet"), given);
    }

    /** Teacher class logits, 1 image x 2 anchors x 2 classes per level: p3 anchor 0 confident (logit 3), others not. */
    private NDArray logits3() {
        return manager.create(new float[] {3, -3, -3, -4}, new Shape(1, 2, 2));
    }

    private NDArray logits4() {
        return manager.create(new float[] {-5, -5, -2, 0}, new Shape(1, 2, 2));
    }

    private io.hdkd.api.DistillationInput input(NDArray s3, NDArray s4, NDArray t3, NDArray t4) {
        return Fixtures.input(Fixtures.taps("box_p3", s3, "box_p4", s4),
                Fixtures.taps("box_p3", t3, "box_p4", t4, "cls_p3", logits3(), "cls_p4", logits4()));
    }

    @Test
    void pairsEachBoxOutputWithTheTeachersClassOutputOfItsStride() {
        LocalizationLoss loss = (LocalizationLoss) create(Map.of());
        assertThat(loss.levels()).containsExactly(new LocalizationLoss.Level("box_p3", "cls_p3"),
                new LocalizationLoss.Level("box_p4", "cls_p4"));
        assertThat(loss.requiresSameHeadType()).isTrue();
        assertThat(loss.taps()).containsExactly("box_p3", "box_p4", "cls_p3", "cls_p4");
    }

    @Test
    void zeroWhenTheStudentPredictsTheTeachersBoxes() {
        NDArray t3 = randn(manager, 1, 1, 1, 2, 4);
        NDArray t4 = randn(manager, 2, 1, 1, 2, 4);
        DistillationLoss loss = create(Map.of("score-threshold", "0"));
        assertThat(scalar(loss.compute(input(t3.duplicate(), t4.duplicate(), t3, t4)))).isZero();
    }

    /**
     * Threshold 0.5: only p3 anchor 0 (p = sigmoid(3)) and p4 anchor 1 (p = sigmoid(0) = 0.5) are selected. Student
     * deltas differ by (1, -1, 0.5, 0) at p3 anchor 0 (L1 2.5) and by (0.2, 0, 0, 0) at p4 anchor 1 (L1 0.2); the
     * unselected anchors differ by 10. Loss = (p1 * 2.5 + 0.5 * 0.2) / (p1 + 0.5).
     */
    @Test
    void aScoreWeightedMeanOverTheTeachersConfidentAnchors() {
        NDArray t3 = randn(manager, 3, 1, 1, 2, 4);
        NDArray t4 = randn(manager, 4, 1, 1, 2, 4);
        NDArray s3 = t3.add(manager.create(new float[] {1, -1, 0.5f, 0, 10, 10, 10, 10}, new Shape(1, 2, 4)));
        NDArray s4 = t4.add(manager.create(new float[] {10, 10, 10, 10, 0.2f, 0, 0, 0}, new Shape(1, 2, 4)));
        double p1 = 1 / (1 + Math.exp(-3));
        double expected = (p1 * 2.5 + 0.5 * 0.2) / (p1 + 0.5);
        DistillationLoss loss = create(Map.of());
        assertThat(scalar(loss.compute(input(s3, s4, t3, t4)))).isCloseTo((float) expected, within(1e-5f));
        assertThat(loss.diagnostics().get("confident_fraction")).isCloseTo(0.5, within(1e-9));
        DistillationLoss unweighted = create(Map.of("weighting", "none"));
        assertThat(scalar(unweighted.compute(input(s3, s4, t3, t4)))).isCloseTo(1.35f, within(1e-5f));
        // smooth L1 with beta 1: p3 anchor 0: 0.5 + 0.5 + 0.125 + 0; p4 anchor 1: 0.02
        DistillationLoss smooth = create(Map.of("distance", "smooth-l1", "beta", "1", "weighting", "none"));
        assertThat(scalar(smooth.compute(input(s3, s4, t3, t4)))).isCloseTo((1.125f + 0.02f) / 2, within(1e-5f));
        // confident nowhere: 0, not 0 / 0
        DistillationLoss strict = create(Map.of("score-threshold", "1"));
        assertThat(scalar(strict.compute(input(s3, s4, t3, t4)))).isZero();
    }

    @Test
    void itsGradientMovesTheStudentsBoxesTowardTheTeachers() {
        NDArray t3 = randn(manager, 5, 1, 1, 2, 4);
        NDArray t4 = randn(manager, 6, 1, 1, 2, 4);
        NDArray offset = manager.create(new float[] {0.3f, -0.2f, 0.1f, -0.4f, 0, 0, 0, 0}, new Shape(1, 2, 4));
        NDArray s3 = t3.add(offset);
        NDArray s4 = t4.duplicate();
        s3.setRequiresGradient(true);
        DistillationLoss loss = create(Map.of());
        NDArray before;
        try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
            before = loss.compute(input(s3, s4, t3, t4));
            collector.backward(before);
        }
        NDArray gradient = s3.getGradient().duplicate();
        // selected: p3 anchor 0 (p1, offset) and p4 anchor 1 (0.5, no offset); the gradient is p1 sign(s - t) / (p1 +
        // 0.5) at p3 anchor 0 and 0 at the unselected anchor 1
        float g = (float) (1 / (1 + Math.exp(-3)) / (1 / (1 + Math.exp(-3)) + 0.5));
        assertThat(gradient.toFloatArray()).containsExactly(new float[] {g, -g, g, -g, 0, 0, 0, 0}, within(1e-5f));
        NDArray stepped = s3.stopGradient().sub(gradient.mul(0.05f));
        float distanceBefore = scalar(s3.stopGradient().sub(t3).abs().sum());
        float distanceAfter = scalar(stepped.sub(t3).abs().sum());
        assertThat(distanceAfter).isLessThan(distanceBefore);
        assertThat(scalar(loss.compute(input(stepped, s4, t3, t4)))).isLessThan(scalar(before));
    }

    @Test
    void refusesHeadsOfDifferentTypesAndMismatchedAnchors() {
        List<HeadOutput> corner = List.of(new HeadOutput("tl_heatmap", OutputKind.HEATMAP, 4));
        assertThatThrownBy(() -> create(Fixtures.headPair(corner, OUTPUTS, "cornernet", "retinanet"), Map.of()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("loss 'ld' compares box regression anchor by anchor, which needs the same head"
                        + " type on both sides; teacher is retinanet, student is cornernet");
        DistillationLoss loss = create(Map.of());
        NDArray t3 = randn(manager, 3, 1, 1, 2, 4);
        NDArray t4 = randn(manager, 4, 1, 1, 2, 4);
        NDArray s3 = randn(manager, 5, 1, 1, 3, 4);
        assertThatThrownBy(() -> loss.compute(input(s3, t4, t3, t4))).isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("both heads need the same anchors");
        assertThatThrownBy(() -> create(Map.of("score-threshold", "1.5"))).isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("bad value for distill.loss.x.score-threshold: must be in [0, 1]");
    }
}
