package io.hdkd.plugin.kdlosses;

import static io.hdkd.plugin.kdlosses.Fixtures.randn;
import static io.hdkd.plugin.kdlosses.Fixtures.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import io.hdkd.api.DistillationInput;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.ImageTargets;
import io.hdkd.api.Partition;
import io.hdkd.api.TrainingProgress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The {@code hdkd} loss's foreground-aware feature term within subspaces, and its per-term weight schedules. */
class HdkdLossExtrasTest {

    private static final int C = 4;
    private static final List<FeatureLevel> LEVELS = List.of(new FeatureLevel("p3", 8, C), new FeatureLevel("p4", 16, C));

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private HdkdLoss create(String... keyValues) {
        Map<String, String> options = new HashMap<>(Map.of("levels", "p3, p4", "channel-split", "false",
                "adapter-kernel", "1", "normalize", "false", "soft-target-weight", "0", "combination", "off",
                "subspaces", "2"));
        for (int i = 0; i < keyValues.length; i += 2) {
            options.put(keyValues[i], keyValues[i + 1]);
        }
        HdkdLossFactory factory = new HdkdLossFactory();
        HdkdLoss loss = (HdkdLoss) factory.create(Fixtures.options(factory, options),
                Fixtures.context(Fixtures.featurePair(LEVELS, LEVELS)));
        loss.adapter().get().initialize(manager, DataType.FLOAT32);
        float[] eye = new float[C * C];
        for (int c = 0; c < C; c++) {
            eye[c * C + c] = 1;
        }
        for (SubspaceAdapter adapter : loss.adapters().subspaces()) {
            for (Pair<String, Parameter> p : adapter.getParameters()) {
                NDArray a = p.getValue().getArray();
                a.set(p.getValue().getType() == Parameter.Type.WEIGHT ? eye : new float[Math.toIntExact(a.size())]);
            }
        }
        return loss;
    }

    /** p3 (4x4): columns 0-1 in subspace 0, columns 2-3 in subspace 1; p4 (2x2): all in subspace 1. */
    private Partition halves() {
        NDArray p3 = manager.create(new int[] {0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1}, new Shape(1, 4, 4));
        NDArray p4 = manager.create(new int[] {1, 1, 1, 1}, new Shape(1, 2, 2));
        return new Partition(2, List.of(p3, p4), new float[] {0.5f, 0.5f});
    }

    private DistillationInput input(NDArray s3, NDArray s4, NDArray t3, NDArray t4, TrainingProgress progress) {
        // one box over input columns 0-15, rows 0-31 of a 32 x 32 input: p3 columns 0-1 (8 cells, 1/8 each), p4
        // column 0 (2 cells, 1/2 each)
        ImageTargets gt = new ImageTargets(manager.create(new float[] {0, 0, 16, 32}, new Shape(1, 4)),
                manager.zeros(new Shape(1), DataType.INT32));
        return new DistillationInput(Fixtures.taps("p3", s3, "p4", s4), Fixtures.taps("p3", t3, "p4", t4), halves(),
                List.of(gt), null, null, List.of(), null, progress);
    }

    /**
     * Teacher all ones (uniform attention). The student differs by 2 on p3 columns 0-1 (subspace 0, all foreground:
     * error 4), by 1 on p3 columns 2-3 (subspace 1, background 1/8 each: error 1) and by 3 on p4 (subspace 1, error 9;
     * column 0 foreground 1/2 each, column 1 background 1/2 each). Subspace 0: foreground 4, no background.
     * Subspace 1: foreground 9, background (8/8 * 1 + 2/2 * 9) / 2 = 5. With weights 1 and 0.5: L0 = 4, L1 = 11.5,
     * the feature term (equal subspace weights) 7.75.
     */
    @Test
    void foregroundAndBackgroundAreAveragedSeparatelyWithinEachSubspace() {
        HdkdLoss loss = create("mask", "gt", "attention-weight", "0");
        NDArray t3 = manager.ones(new Shape(1, C, 4, 4));
        NDArray t4 = manager.ones(new Shape(1, C, 2, 2));
        NDArray columns = manager.create(new float[] {2, 2, 1, 1}, new Shape(1, 1, 1, 4));
        NDArray s3 = t3.add(columns);
        NDArray s4 = t4.add(3);
        float value = scalar(loss.compute(input(s3, s4, t3, t4, TrainingProgress.UNKNOWN)));
        assertThat(loss.diagnostics().get("subspace0.foreground")).isCloseTo(4, within(1e-5));
        assertThat(loss.diagnostics().get("subspace0.background")).isZero();
        assertThat(loss.diagnostics().get("subspace1.foreground")).isCloseTo(9, within(1e-5));
        assertThat(loss.diagnostics().get("subspace1.background")).isCloseTo(5, within(1e-5));
        assertThat(value).isCloseTo(7.75f, within(1e-5f));
        // without the mask, the plain per-subspace means: L0 = 4, L1 = (8 * 1 + 4 * 9) / 12
        HdkdLoss plain = create();
        assertThat(scalar(plain.compute(input(s3, s4, t3, t4, TrainingProgress.UNKNOWN))))
                .isCloseTo((float) (0.5 * 4 + 0.5 * 44.0 / 12), within(1e-5f));
    }

    @Test
    void theTeachersOwnFeaturesCostNothingWithAttentionImitation() {
        HdkdLoss loss = create("mask", "gt", "normalize", "true");
        NDArray t3 = randn(manager, 1, 1, 1, C, 4, 4);
        NDArray t4 = randn(manager, 2, 1, 1, C, 2, 2);
        float value = scalar(loss.compute(input(t3.duplicate(), t4.duplicate(), t3, t4, TrainingProgress.UNKNOWN)));
        assertThat(value).isCloseTo(0f, within(1e-5f));
        assertThat(loss.diagnostics().get("attention")).isCloseTo(0, within(1e-6));
        float other = scalar(loss.compute(input(randn(manager, 3, 1, 1, C, 4, 4), randn(manager, 4, 1, 1, C, 2, 2), t3,
                t4, TrainingProgress.UNKNOWN)));
        assertThat(other).isPositive();
        assertThat(loss.diagnostics().get("attention")).isPositive();
    }

    /** The feature term's weight 2 under cosine decay over 10 steps: 2, 1, 0 at steps 0, 5, 10. */
    @Test
    void theFeatureScheduleScalesTheFeatureTermOverTheRun() {
        HdkdLoss loss = create("feature-weight", "2", "feature-schedule", "cosine-decay");
        NDArray t3 = randn(manager, 1, 1, 1, C, 4, 4);
        NDArray t4 = randn(manager, 2, 1, 1, C, 2, 2);
        NDArray s3 = randn(manager, 3, 1, 1, C, 4, 4);
        NDArray s4 = randn(manager, 4, 1, 1, C, 2, 2);
        float full = scalar(create().compute(input(s3, s4, t3, t4, TrainingProgress.UNKNOWN)));
        double[][] expected = {{0, 2}, {5, 1}, {10, 0}};
        for (double[] e : expected) {
            float value = scalar(loss.compute(input(s3, s4, t3, t4, new TrainingProgress((long) e[0], 10))));
            assertThat(value).as("step %s", e[0]).isCloseTo((float) (e[1] * full), within(1e-5f));
            assertThat(loss.diagnostics().get("feature.weight")).isCloseTo(e[1], within(1e-12));
        }
    }
}
