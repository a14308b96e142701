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
import io.hdkd.api.DistillationInput;
import io.hdkd.api.DistillationLoss;
import io.hdkd.api.DistillationLossFactory;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.ImageTargets;
import io.hdkd.api.InvalidInputException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** FGD's focal imitation: masks cell by cell, attention sums, and the level loss on hand-computed maps. */
class FocalImitationTest {

    private static final float Q = 0.25f;
    private static final float E = 0.125f;

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterEach
    void close() {
        manager.close();
    }

    /**
     * A (2, 3, 13, 9), B (16, 16, 24, 24), C (0, 0, 30, 16) on a 32 x 32 input. Stride 8 (4 x 4 cells of 8 px): A
     * overlaps columns 0-1, rows 0-1 (4 cells, 1/4); B exactly cell (2, 2) (1); C columns 0-3, rows 0-1 (8 cells,
     * 1/8), overlapped by A, whose 1/4 wins. The 7 cells no box touches share the background, 1/7 each.
     */
    @Test
    void masksCoverExactlyTheBoxesCellsWithTheScaleMask() {
        float[] boxes = {2, 3, 13, 9, 16, 16, 24, 24, 0, 0, 30, 16};
        float[][] m8 = FocalImitation.masks(boxes, 4, 4, 8);
        assertThat(m8[0]).containsExactly(
                Q, Q, E, E,
                Q, Q, E, E,
                0, 0, 1, 0,
                0, 0, 0, 0);
        float b = 1f / 7;
        assertThat(m8[1]).containsExactly(
                0, 0, 0, 0,
                0, 0, 0, 0,
                b, b, 0, b,
                b, b, b, b);
        // stride 16 (2 x 2): A is cell (0, 0) alone (1), B cell (1, 1) (1), C row 0 (1/2, below A's 1 on cell (0, 0))
        float[][] m16 = FocalImitation.masks(boxes, 2, 2, 16);
        assertThat(m16[0]).containsExactly(1, 0.5f, 0, 1);
        assertThat(m16[1]).containsExactly(0, 0, 1, 0);
    }

    @Test
    void edgeCasesOfTheMask() {
        // a box on cell borders covers only the cells it overlaps; a zero-size box its one cell; outside: nothing
        assertThat(FocalImitation.masks(new float[] {8, 8, 16, 16}, 3, 3, 8)[0])
                .containsExactly(0, 0, 0, 0, 1, 0, 0, 0, 0);
        assertThat(FocalImitation.masks(new float[] {8, 8, 8, 8}, 3, 3, 8)[0])
                .containsExactly(0, 0, 0, 0, 1, 0, 0, 0, 0);
        float[][] outside = FocalImitation.masks(new float[] {40, 40, 50, 50}, 2, 2, 8);
        assertThat(outside[0]).containsOnly(0f);
        assertThat(outside[1]).containsOnly(0.25f);
        // a box over the whole grid leaves no background (all zeros, not a division by zero)
        float[][] full = FocalImitation.masks(new float[] {0, 0, 16, 16}, 2, 2, 8);
        assertThat(full[0]).containsOnly(0.25f);
        assertThat(full[1]).containsOnly(0f);
    }

    @Test
    void attentionMapsSumToTheirSize() {
        NDArray x = randn(manager, 7, 2, 2, 3, 4, 5);
        NDArray spatial = FocalImitation.spatialAttention(x, 0.5);
        NDArray channel = FocalImitation.channelAttention(x, 0.5);
        assertThat(spatial.getShape()).isEqualTo(new Shape(2, 1, 4, 5));
        assertThat(channel.getShape()).isEqualTo(new Shape(2, 3, 1, 1));
        for (int n = 0; n < 2; n++) {
            assertThat(scalar(spatial.get(n).sum())).isCloseTo(20f, within(1e-4f));
            assertThat(scalar(channel.get(n).sum())).isCloseTo(3f, within(1e-5f));
        }
        // where |x| is larger on average, the attention is larger
        NDArray y = manager.ones(new Shape(1, 2, 1, 2)).mul(manager.create(new float[] {1, 3}, new Shape(1, 1, 1, 2)));
        float[] s = FocalImitation.spatialAttention(y, 1).toFloatArray();
        assertThat(s[1]).isGreaterThan(s[0]);
        // softmax of (1, 3) / 1 times 2
        assertThat(s[0]).isCloseTo((float) (2 / (1 + Math.exp(2))), within(1e-5f));
    }

    private static List<FeatureLevel> level() {
        return List.of(new FeatureLevel("p3", 8, 2));
    }

    private DistillationLoss create(DistillationLossFactory factory, Map<String, String> given) {
        return factory.create(Fixtures.options(factory, given), Fixtures.context(Fixtures.featurePair(level(), level())));
    }

    private DistillationInput input(NDArray student, NDArray teacher, float... box) {
        ImageTargets gt = new ImageTargets(manager.create(box, new Shape(box.length / 4, 4)),
                manager.zeros(new Shape(box.length / 4), ai.djl.ndarray.types.DataType.INT32));
        return new DistillationInput(Fixtures.taps("p3", student), Fixtures.taps("p3", teacher), null, List.of(gt));
    }

    /**
     * Teacher all ones (uniform attention, 1 everywhere); the student differs by 2 in both channels at cell (0, 0),
     * the box's one cell, and by 1 in channel 0 only at the 3 background cells (1/3 each). Foreground: (4 + 4) / (N C)
     * = 4; background: 3 * 1/3 * 1 / 2 = 0.5; fitnet with weights 1 and 0.5 and no attention term: 4.25.
     */
    @Test
    void fitnetWithTheGroundTruthMaskMatchesTheHandComputedValue() {
        NDArray teacher = manager.ones(new Shape(1, 2, 2, 2));
        float[] delta = {2, 1, 1, 1, 2, 0, 0, 0};
        NDArray student = teacher.add(manager.create(delta, new Shape(1, 2, 2, 2)));
        DistillationLoss loss = create(new FitNetLossFactory(), Map.of("adapter", "never", "mask", "gt",
                "attention-weight", "0"));
        assertThat(scalar(loss.compute(input(student, teacher, 0, 0, 8, 8)))).isCloseTo(4.25f, within(1e-5f));
        assertThat(loss.diagnostics()).containsEntry("foreground", 4.0).containsEntry("background", 0.5);
        DistillationLoss weighted = create(new FitNetLossFactory(), Map.of("adapter", "never", "mask", "gt",
                "attention-weight", "0", "foreground-weight", "2", "background-weight", "0"));
        assertThat(scalar(weighted.compute(input(student, teacher, 0, 0, 8, 8)))).isCloseTo(8f, within(1e-5f));
        // without the mask the loss is the plain mean: (4 + 4 + 1 + 1 + 1) / 8
        DistillationLoss plain = create(new FitNetLossFactory(), Map.of("adapter", "never"));
        assertThat(scalar(plain.compute(input(student, teacher, 0, 0, 8, 8)))).isCloseTo(11f / 8, within(1e-6f));
    }

    @Test
    void pkdWithTheMaskIsZeroForTheTeachersOwnFeaturesAndTrainsTheStudentOtherwise() {
        DistillationLoss loss = create(new PkdLossFactory(), Map.of("mask", "gt"));
        NDArray teacher = randn(manager, 3, 1, 1, 2, 2, 2);
        assertThat(scalar(loss.compute(input(teacher.duplicate(), teacher, 0, 0, 8, 8)))).isCloseTo(0f,
                within(1e-6f));
        NDArray student = randn(manager, 4, 1, 1, 2, 2, 2);
        student.setRequiresGradient(true);
        try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
            NDArray value = loss.compute(input(student, teacher, 0, 0, 8, 8));
            assertThat(scalar(value)).isPositive();
            collector.backward(value);
        }
        assertThat(scalar(student.getGradient().abs().sum())).isPositive();
        assertThat(loss.diagnostics()).containsKeys("foreground", "background", "attention");
    }

    @Test
    void theMaskNeedsTheGroundTruthOfEveryImage() {
        DistillationLoss loss = create(new PkdLossFactory(), Map.of("mask", "gt"));
        NDArray teacher = randn(manager, 3, 1, 2, 2, 2, 2);
        assertThatThrownBy(() -> loss.compute(Fixtures.input(Fixtures.taps("p3", teacher), Fixtures.taps("p3", teacher))))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("loss 'pkd' level p3: mask = gt needs the ground truth of each image, got 0 targets for a "
                        + "batch of 2");
        assertThatThrownBy(() -> create(new PkdLossFactory(), Map.of("mask", "gt", "attention-temperature", "0")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageStartingWith("bad value for distill.loss.x.attention-temperature: the temperature must be");
    }
}
