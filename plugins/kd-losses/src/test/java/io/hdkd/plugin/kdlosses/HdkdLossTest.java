package io.hdkd.plugin.kdlosses;

import static io.hdkd.plugin.kdlosses.Fixtures.randn;
import static io.hdkd.plugin.kdlosses.Fixtures.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.hdkd.api.DistillationInput;
import io.hdkd.api.DistillationLoss;
import io.hdkd.api.DistillationPair;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.HeadOutput;
import io.hdkd.api.InvalidInputException;
import io.hdkd.api.OutputKind;
import io.hdkd.api.Partition;
import io.hdkd.api.Taps;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The {@code hdkd} composite loss on inputs with known answers, its ablation switches, and its gradients. */
class HdkdLossTest {

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

    /** Options that make the loss a plain function of the maps: 1x1 identity adapters, no split, no normalising. */
    private static Map<String, String> plain(String... keyValues) {
        Map<String, String> options = new HashMap<>(Map.of("levels", "p3, p4", "channel-split", "false",
                "adapter-kernel", "1", "normalize", "false", "soft-target-weight", "0", "combination", "off"));
        for (int i = 0; i < keyValues.length; i += 2) {
            options.put(keyValues[i], keyValues[i + 1]);
        }
        return options;
    }

    private HdkdLoss create(DistillationPair pair, Map<String, String> given, DataType type) {
        HdkdLossFactory factory = new HdkdLossFactory();
        HdkdLoss loss = (HdkdLoss) factory.create(Fixtures.options(factory, given), Fixtures.context(pair));
        loss.adapter().get().initialize(manager, type);
        return loss;
    }

    /** Sets every 1x1, single-group subspace adapter to the identity map. */
    private void identity(HdkdLoss loss) {
        float[] eye = new float[C * C];
        for (int c = 0; c < C; c++) {
            eye[c * C + c] = 1;
        }
        for (SubspaceAdapter adapter : loss.adapters().subspaces()) {
            for (Pair<String, Parameter> p : adapter.getParameters()) {
                NDArray a = p.getValue().getArray();
                if (p.getValue().getType() == Parameter.Type.WEIGHT) {
                    a.set(eye);
                } else {
                    a.set(new float[Math.toIntExact(a.size())]);
                }
            }
        }
    }

    /** p3 (4x4): columns 0-1 in subspace 0, columns 2-3 in subspace 1; p4 (2x2): all in subspace 1. */
    private Partition halves() {
        NDArray p3 = manager.create(new int[] {0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1}, new Shape(1, 4, 4));
        NDArray p4 = manager.create(new int[] {1, 1, 1, 1}, new Shape(1, 2, 2));
        return new Partition(2, List.of(p3, p4), new float[] {0.5f, 0.5f});
    }

    private static DistillationInput input(NDArray s3, NDArray s4, NDArray t3, NDArray t4, Partition partition) {
        return new DistillationInput(Fixtures.taps("p3", s3, "p4", s4), Fixtures.taps("p3", t3, "p4", t4), partition,
                List.of());
    }

    @Test
    void aSubspaceWithZeroDifferenceHasZeroLoss() {
        HdkdLoss loss = create(Fixtures.featurePair(LEVELS, LEVELS), plain("subspaces", "2"), DataType.FLOAT32);
        identity(loss);
        Partition partition = halves();
        NDArray t3 = randn(manager, 1, 1, 1, C, 4, 4);
        NDArray t4 = randn(manager, 2, 1, 1, C, 2, 2);
        // student = teacher in subspace 0, teacher + 1 in subspace 1 (squared error 1 per channel there)
        NDArray s3 = t3.add(partition.mask(0, 1));
        NDArray s4 = t4.add(partition.mask(1, 1));
        float value = scalar(loss.compute(input(s3, s4, t3, t4, partition)));
        assertThat(loss.diagnostics().get("subspace0.loss")).isZero();
        assertThat(loss.diagnostics().get("subspace1.loss")).isCloseTo(1.0, within(1e-6));
        assertThat(value).isCloseTo(0.5f, within(1e-6f));
    }

    @Test
    void subspacesWeighAsConfiguredNotByLocationCount() {
        Partition partition = halves();
        NDArray t3 = randn(manager, 3, 1, 1, C, 4, 4);
        NDArray t4 = randn(manager, 4, 1, 1, C, 2, 2);
        // subspace 0 (8 locations): difference 2, squared error 4; subspace 1 (12 locations): difference 1
        NDArray s3 = t3.add(partition.mask(0, 0).mul(manager.create(2f))).add(partition.mask(0, 1));
        NDArray s4 = t4.add(partition.mask(1, 1));
        HdkdLoss equal = create(Fixtures.featurePair(LEVELS, LEVELS), plain("subspaces", "2"), DataType.FLOAT32);
        identity(equal);
        // (4 + 1) / 2, where a mean over all 20 locations would give (8 * 4 + 12 * 1) / 20 = 2.2
        assertThat(scalar(equal.compute(input(s3, s4, t3, t4, partition)))).isCloseTo(2.5f, within(1e-5f));
        HdkdLoss weighted = create(Fixtures.featurePair(LEVELS, LEVELS),
                plain("subspaces", "2", "subspace-weights", "1, 3"), DataType.FLOAT32);
        identity(weighted);
        assertThat(scalar(weighted.compute(input(s3, s4, t3, t4, partition)))).isCloseTo(0.25f * 4 + 0.75f,
                within(1e-5f));
        // the partition's own weights (here 1:3) when asked for
        Partition oneToThree = new Partition(2, partition.assignments(), new float[] {0.1f, 0.3f});
        HdkdLoss fromPartition = create(Fixtures.featurePair(LEVELS, LEVELS),
                plain("subspaces", "2", "subspace-weights", "partition"), DataType.FLOAT32);
        identity(fromPartition);
        assertThat(scalar(fromPartition.compute(input(s3, s4, t3, t4, oneToThree)))).isCloseTo(0.25f * 4 + 0.75f,
                within(1e-5f));
        // a single subspace is the plain mean over all locations
        HdkdLoss off = create(Fixtures.featurePair(LEVELS, LEVELS), plain("partition", "off"), DataType.FLOAT32);
        identity(off);
        assertThat(scalar(off.compute(input(s3, s4, t3, t4, partition)))).isCloseTo(2.2f, within(1e-5f));
    }

    @Test
    void withoutAPartitionTheSubspacesFollowTheLevels() {
        NDArray t3 = randn(manager, 5, 1, 1, C, 4, 4);
        NDArray t4 = randn(manager, 6, 1, 1, C, 2, 2);
        NDArray s3 = t3.add(2f);
        NDArray s4 = t4.add(1f);
        for (Map<String, String> options : List.of(plain("subspaces", "2"), plain("partition", "levels"))) {
            HdkdLoss loss = create(Fixtures.featurePair(LEVELS, LEVELS), options, DataType.FLOAT32);
            identity(loss);
            assertThat(scalar(loss.compute(input(s3, s4, t3, t4, null)))).as(options.toString())
                    .isCloseTo(2.5f, within(1e-5f));
            assertThat(loss.diagnostics()).containsEntry("subspace0.loss", 4.0).containsEntry("subspace1.loss", 1.0);
        }
    }

    @Test
    void learnedCombinationStartsFromEachSubspacesOwnAdapterAndIsReported() {
        HdkdLoss loss = create(Fixtures.featurePair(LEVELS, LEVELS),
                plain("subspaces", "2", "combination", "weights"), DataType.FLOAT32);
        identity(loss);
        Partition partition = halves();
        NDArray t3 = randn(manager, 7, 1, 1, C, 4, 4);
        NDArray t4 = randn(manager, 8, 1, 1, C, 2, 2);
        // identical identity adapters: any convex combination is the student itself
        float value = scalar(loss.compute(input(t3.add(1f), t4.add(1f), t3, t4, partition)));
        assertThat(value).isCloseTo(1f, within(1e-5f));
        // each subspace starts with 0.9 on its own adapter
        assertThat(loss.diagnostics().get("combination.w0_0")).isCloseTo(0.9, within(1e-6));
        assertThat(loss.diagnostics().get("combination.w0_1")).isCloseTo(0.1, within(1e-6));
        assertThat(loss.diagnostics().get("combination.w1_1")).isCloseTo(0.9, within(1e-6));

        HdkdLoss attention = create(Fixtures.featurePair(LEVELS, LEVELS),
                plain("subspaces", "2", "combination", "attention"), DataType.FLOAT32);
        identity(attention);
        assertThat(scalar(attention.compute(input(t3.add(1f), t4.add(1f), t3, t4, partition))))
                .isCloseTo(1f, within(1e-5f));
        double w0 = attention.diagnostics().get("combination.w0");
        assertThat(w0 + attention.diagnostics().get("combination.w1")).isCloseTo(1.0, within(1e-5));
        assertThat(w0).isBetween(0.0, 1.0);
    }

    /**
     * The premise of the subspaces: a teacher that maps the student's features one way in subspace 0 and another way
     * in subspace 1 is fitted by per-subspace adapters (hard routing, or the learned mix) but not by one adapter.
     */
    @Test
    void subspaceAdaptersFitSubspaceSpecificMappingsThatOneAdapterCannot() {
        Partition partition = halves();
        NDArray s3 = randn(manager, 71, 1, 1, C, 4, 4);
        NDArray s4 = randn(manager, 72, 1, 1, C, 2, 2);
        NDArray w0 = randn(manager, 73, 0.5, C, C);
        NDArray w1 = randn(manager, 74, 0.5, C, C);
        NDArray t3 = map(s3, w0).mul(partition.mask(0, 0)).add(map(s3, w1).mul(partition.mask(0, 1)));
        NDArray t4 = map(s4, w1);
        Map<String, Double> finalLoss = new HashMap<>();
        for (String variant : List.of("single", "off", "weights")) {
            Map<String, String> options = variant.equals("single")
                    ? plain("partition", "off")
                    : plain("subspaces", "2", "combination", variant);
            HdkdLoss loss = create(Fixtures.featurePair(LEVELS, LEVELS), options, DataType.FLOAT32);
            Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(0.1f)).build();
            double value = 0;
            for (int step = 0; step < 60; step++) {
                try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                    NDArray l = loss.compute(input(s3, s4, t3, t4, partition));
                    value = scalar(l);
                    collector.backward(l);
                }
                for (Pair<String, Parameter> p : loss.adapter().get().getParameters()) {
                    NDArray w = p.getValue().getArray();
                    adam.update(p.getValue().getId(), w, w.getGradient());
                    JniUtils.zeroGrad((PtNDArray) w);
                }
            }
            finalLoss.put(variant, value);
        }
        assertThat(finalLoss.get("single")).as(finalLoss.toString()).isGreaterThan(0.05);
        assertThat(finalLoss.get("off")).as(finalLoss.toString()).isLessThan(0.02 * finalLoss.get("single"));
        assertThat(finalLoss.get("weights")).as(finalLoss.toString()).isLessThan(0.02 * finalLoss.get("single"));
    }

    /** {@code W x} at every location: {@code N x C x H x W} in and out. */
    private static NDArray map(NDArray x, NDArray w) {
        return x.transpose(0, 2, 3, 1).matMul(w.transpose()).transpose(0, 3, 1, 2);
    }

    @Test
    void fullMethodGradientsMatchFiniteDifferencesAndSpareTheTeacher() {
        List<FeatureLevel> student = List.of(new FeatureLevel("p3", 8, 6), new FeatureLevel("p4", 16, 6));
        Map<String, String> full = Map.of("levels", "p3, p4", "subspaces", "2", "groups", "2",
                "combination", "attention", "soft-target-weight", "0", "adapter-kernel", "3");
        HdkdLoss loss = create(Fixtures.featurePair(student, LEVELS), full, DataType.FLOAT64);
        Partition partition = halves();
        NDArray s3 = randn(manager, 11, 1, 1, 6, 4, 4).toType(DataType.FLOAT64, false);
        NDArray s4 = randn(manager, 12, 1, 1, 6, 2, 2).toType(DataType.FLOAT64, false);
        NDArray t3 = randn(manager, 13, 1, 1, C, 4, 4).toType(DataType.FLOAT64, false);
        NDArray t4 = randn(manager, 14, 1, 1, C, 2, 2).toType(DataType.FLOAT64, false);
        for (NDArray a : List.of(s3, s4, t3, t4)) {
            a.setRequiresGradient(true);
        }
        try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
            collector.backward(loss.compute(input(s3, s4, t3, t4, partition)));
        }
        double[] analytic = Fixtures.values(s3.getGradient());
        assertThat(GradientAssert.norm(s4)).isGreaterThan(0);
        assertThat(GradientAssert.norm(t3)).isZero();
        assertThat(GradientAssert.norm(t4)).isZero();
        Block adapters = loss.adapter().get();
        for (Pair<String, Parameter> p : adapters.getParameters()) {
            assertThat(GradientAssert.norm(p.getValue().getArray())).as(p.getKey()).isGreaterThan(0);
        }
        double[] base = Fixtures.values(s3);
        double eps = 1e-4;
        for (int index : new int[] {0, 17, 40, 95}) {
            double plus = valueAt(loss, base, index, eps, s4, t3, t4, partition);
            double minus = valueAt(loss, base, index, -eps, s4, t3, t4, partition);
            double numeric = (plus - minus) / (2 * eps);
            assertThat(analytic[index]).as("d loss / d s3[%d]", index)
                    .isCloseTo(numeric, within(1e-6 + 1e-4 * Math.abs(numeric)));
        }
    }

    private double valueAt(HdkdLoss loss, double[] base, int index, double delta, NDArray s4, NDArray t3, NDArray t4,
            Partition partition) {
        double[] moved = base.clone();
        moved[index] += delta;
        NDArray s3 = manager.create(moved, new Shape(1, 6, 4, 4));
        return loss.compute(input(s3, s4.stopGradient(), t3.stopGradient(), t4.stopGradient(), partition))
                .toType(DataType.FLOAT64, false).getDouble();
    }

    /**
     * A training step computes the loss on arrays of the step's own manager: closing it must free everything the step
     * made, whatever the combination. (The learned weights' softmax once joined the adapters' manager, and with it the
     * mixes and their autograd graph: a distillation run grew by every step's adapted maps.)
     */
    @Test
    void closingTheStepsManagerFreesEverythingTheLossMade() {
        for (String combination : List.of("off", "weights", "attention")) {
            HdkdLoss loss = create(Fixtures.featurePair(LEVELS, LEVELS), Map.of("levels", "p3, p4", "subspaces", "2",
                    "groups", "2", "combination", combination, "soft-target-weight", "0"), DataType.FLOAT32);
            int before = ((BaseNDManager) manager).getManagedArrays().size();
            for (int step = 0; step < 3; step++) {
                try (NDManager stepManager = manager.newSubManager()) {
                    NDArray s3 = randn(stepManager, 31 + step, 1, 2, C, 4, 4);
                    NDArray s4 = randn(stepManager, 41 + step, 1, 2, C, 2, 2);
                    s3.setRequiresGradient(true);
                    s4.setRequiresGradient(true);
                    NDArray t3 = randn(stepManager, 51 + step, 1, 2, C, 4, 4);
                    NDArray t4 = randn(stepManager, 61 + step, 1, 2, C, 2, 2);
                    NDArray p3 = stepManager.create(new int[] {0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1,
                        1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0}, new Shape(2, 4, 4));
                    NDArray p4 = stepManager.create(new int[] {1, 1, 1, 1, 0, 0, 0, 0}, new Shape(2, 2, 2));
                    Partition partition = new Partition(2, List.of(p3, p4), new float[] {0.5f, 0.5f});
                    try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                        collector.backward(loss.compute(input(s3, s4, t3, t4, partition)));
                    }
                }
            }
            assertThat(((BaseNDManager) manager).getManagedArrays()).as("combination " + combination)
                    .hasSize(before);
        }
    }

    @Test
    void channelSplitGroupsTheTeachersChannelsOnTheFirstBatch() {
        HdkdLoss loss = create(Fixtures.featurePair(LEVELS, LEVELS),
                Map.of("levels", "p3, p4", "subspaces", "2", "groups", "2", "soft-target-weight", "0"),
                DataType.FLOAT32);
        // teacher channels 0 and 2 copy one signal, 1 and 3 another
        NDArray a = randn(manager, 21, 1, 2, 1, 4, 4);
        NDArray b = randn(manager, 22, 1, 2, 1, 4, 4);
        NDArray t3 = NDArrays.concat(new NDList(a, b, a.mul(manager.create(3f)), b), 1);
        NDArray t4 = t3.get(":, :, :2, :2");
        loss.compute(input(randn(manager, 23, 1, 2, C, 4, 4), randn(manager, 24, 1, 2, C, 2, 2), t3, t4, null));
        for (SubspaceAdapter adapter : loss.adapters().subspaces()) {
            int[] groupOf = adapter.grouping().groupOf();
            assertThat(groupOf[0]).isEqualTo(groupOf[2]).isNotEqualTo(groupOf[1]);
            assertThat(groupOf[1]).isEqualTo(groupOf[3]);
        }
    }

    @Test
    void workingInTheGroupingsChannelOrderEqualsAdaptingInTheTeachersOrder() {
        HdkdLoss loss = create(Fixtures.featurePair(LEVELS, LEVELS), plain("partition", "off", "channel-split", "true",
                "groups", "2", "adapter-kernel", "3"), DataType.FLOAT32);
        NDArray a = randn(manager, 61, 1, 2, 1, 4, 4);
        NDArray b = randn(manager, 62, 1, 2, 1, 4, 4);
        // groups {0, 3} and {1, 2}: a non-trivial permutation
        NDArray t3 = NDArrays.concat(new NDList(a, b, b.mul(manager.create(2f)), a), 1);
        NDArray t4 = t3.get(":, :, 1:3, 1:3");
        NDArray s3 = randn(manager, 63, 1, 2, C, 4, 4);
        NDArray s4 = randn(manager, 64, 1, 2, C, 2, 2);
        float value = scalar(loss.compute(input(s3, s4, t3, t4, null)));
        SubspaceAdapter adapter = loss.adapters().subspaces().get(0);
        assertThat(List.of(adapter.permutation())).first().satisfiesAnyOf(
                p -> assertThat(p).containsExactly(0, 3, 1, 2), p -> assertThat(p).containsExactly(1, 2, 0, 3));
        ParameterStore ps = new ParameterStore(manager, false);
        NDArray e3 = adapter.adapt(s3, ps, true).sub(t3).square().sum();
        NDArray e4 = adapter.adapt(s4, ps, true).sub(t4).square().sum();
        float expected = scalar(e3.add(e4)) / (C * (2 * 16 + 2 * 4));
        assertThat(value).isCloseTo(expected, within(1e-5f * expected));
    }

    @Test
    void softTargetsJoinWhenTheHeadsAgreeAndAreSkippedOtherwise() {
        List<HeadOutput> outputs = List.of(new HeadOutput("cls_p3", OutputKind.CLASS_LOGITS_SIGMOID, 8));
        NDArray zt = randn(manager, 31, 2, 1, 16, 3);
        NDArray zs = randn(manager, 32, 2, 1, 16, 3);
        NDArray t3 = randn(manager, 33, 1, 1, C, 4, 4);
        NDArray t4 = randn(manager, 34, 1, 1, C, 2, 2);
        Taps student = Fixtures.taps("p3", t3.add(1f), "p4", t4.add(1f), "cls_p3", zs);
        Taps teacher = Fixtures.taps("p3", t3, "p4", t4, "cls_p3", zt);
        DistillationInput in = new DistillationInput(student, teacher, null, List.of());

        DistillationPair same = new DistillationPair(LEVELS, LEVELS, outputs, outputs, "retinanet", "retinanet");
        HdkdLoss withKl = create(same, plain("partition", "levels", "soft-target-weight", "2", "temperature", "2"),
                DataType.FLOAT32);
        identity(withKl);
        assertThat(withKl.softTargets()).isPresent();
        assertThat(withKl.taps()).containsExactly("p3", "p4", "cls_p3");
        float kl = scalar(new SoftTargetKlLoss(outputs, 2.0, SoftTargetKlLoss.Reduction.POOLED).compute(in));
        assertThat(kl).isGreaterThan(0f);
        assertThat(scalar(withKl.compute(in))).isCloseTo(1f + 2 * kl, within(1e-5f));
        assertThat(withKl.diagnostics().get("soft_targets")).isCloseTo(kl, within(1e-6));

        DistillationPair heterogeneous = new DistillationPair(LEVELS, LEVELS, outputs, List.of(), "cornernet",
                "retinanet");
        HdkdLoss featuresOnly = create(heterogeneous, plain("partition", "levels", "soft-target-weight", "2"),
                DataType.FLOAT32);
        identity(featuresOnly);
        assertThat(featuresOnly.softTargets()).isEmpty();
        assertThat(featuresOnly.taps()).containsExactly("p3", "p4");
        assertThat(scalar(featuresOnly.compute(in))).isCloseTo(1f, within(1e-5f));
    }

    @Test
    void refusesInconsistentConfigurations() {
        DistillationPair pair = Fixtures.featurePair(LEVELS, LEVELS);
        HdkdLoss three = create(pair, plain("subspaces", "3"), DataType.FLOAT32);
        NDArray t3 = randn(manager, 41, 1, 1, C, 4, 4);
        NDArray t4 = randn(manager, 42, 1, 1, C, 2, 2);
        assertThatThrownBy(() -> three.compute(input(t3, t4, t3, t4, halves())))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("3 subspace adapters")
                .hasMessageContaining("produced 2");
        HdkdLoss oneLevel = create(pair, plain("levels", "p3", "subspaces", "2"), DataType.FLOAT32);
        assertThatThrownBy(() -> oneLevel.compute(input(t3, t4, t3, t4, halves())))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("covers 2");
        assertThatThrownBy(() -> create(pair, plain("channel-split", "true", "groups", "3"), DataType.FLOAT32))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("groups");
        assertThatThrownBy(() -> create(pair, plain("subspaces", "2", "subspace-weights", "1"), DataType.FLOAT32))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("subspace-weights");
        assertThatThrownBy(() -> create(pair, plain("adapter-kernel", "2"), DataType.FLOAT32))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("odd");
        List<FeatureLevel> mixed = List.of(new FeatureLevel("p3", 8, 4), new FeatureLevel("p4", 16, 8));
        assertThatThrownBy(() -> create(Fixtures.featurePair(mixed, mixed), plain(), DataType.FLOAT32))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("same teacher channels");
    }
}
