package io.hdkd.plugin.kdlosses;

import static io.hdkd.plugin.kdlosses.Fixtures.randn;
import static io.hdkd.plugin.kdlosses.Fixtures.scalar;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import io.hdkd.api.DistillationLoss;
import io.hdkd.api.DistillationLossFactory;
import io.hdkd.api.DistillationPair;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.InvalidInputException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The feature losses as the host creates and runs them: level matching, adapters, resizing, gradients. */
class FeatureLossFactoryTest {

    private static final List<FeatureLevel> TEACHER = List.of(
            new FeatureLevel("c3", 8, 16), new FeatureLevel("p3", 8, 6), new FeatureLevel("p4", 16, 6));

    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private static DistillationLoss create(DistillationLossFactory factory, DistillationPair pair,
            Map<String, String> given) {
        return factory.create(Fixtures.options(factory, given), Fixtures.context(pair));
    }

    @Test
    void matchesByStrideWithinTheLevelFamily() {
        List<FeatureLevel> student = List.of(new FeatureLevel("c3", 8, 4), new FeatureLevel("c4", 16, 4),
                new FeatureLevel("p3", 8, 6), new FeatureLevel("p4", 16, 6));
        FeatureLoss loss = (FeatureLoss) create(new PkdLossFactory(), Fixtures.featurePair(student, TEACHER),
                Map.of("levels", "p3, p4"));
        assertThat(loss.pairs()).extracting(p -> p.student().name()).containsExactly("p3", "p4");
        assertThat(loss.adapter()).isEmpty();
        assertThat(loss.taps()).containsExactly("p3", "p4");
    }

    @Test
    void withoutLevelsEveryTeacherPyramidLevelIsReadAndBackboneTapsAreNot() {
        List<FeatureLevel> student = List.of(new FeatureLevel("p2", 4, 6), new FeatureLevel("p3", 8, 6),
                new FeatureLevel("p4", 16, 6));
        FeatureLoss loss = (FeatureLoss) create(new PkdLossFactory(), Fixtures.featurePair(student, TEACHER),
                Map.of());
        assertThat(loss.taps()).containsExactly("p3", "p4");
        assertThat(LevelMatcher.pyramidLevels(List.of(new FeatureLevel("out_a", 8, 6),
                new FeatureLevel("out_b", 16, 6)))).containsExactly("out_a", "out_b");
    }

    @Test
    void takesTheNearestStrideAndResizesWhenNoStudentLevelHasTheTeachersStride() {
        // the student's pyramid starts at stride 16 (q4, q5): teacher p3 (stride 8) gets q4, upsampled 2x
        List<FeatureLevel> student = List.of(new FeatureLevel("q4", 16, 6), new FeatureLevel("q5", 32, 6));
        FeatureLoss loss = (FeatureLoss) create(new PkdLossFactory(), Fixtures.featurePair(student, TEACHER),
                Map.of("levels", "p3"));
        assertThat(loss.pairs()).extracting(p -> p.student().name()).containsExactly("q4");
        assertThat(loss.pairs().get(0).stridesDiffer()).isTrue();

        NDArray t = randn(manager, 51, 1, 2, 6, 4, 6);
        NDArray s = randn(manager, 52, 1, 2, 6, 2, 3);
        float got = scalar(loss.compute(Fixtures.input(Fixtures.taps("q4", s), Fixtures.taps("p3", t))));
        float expected = scalar(FeatureLosses.pkd(FeatureMaps.resize(s, 4, 6), t));
        assertThat(got).isCloseTo(expected, within(1e-6f));
        // the resize is real: comparing against a nearest-neighbour upsampling gives another value
        NDArray nearest = s.repeat(2, 2).repeat(3, 2);
        assertThat(expected).isNotCloseTo(scalar(FeatureLosses.pkd(nearest, t)), within(1e-4f));
    }

    @Test
    void explicitStudentLevelsOverrideTheMatching() {
        List<FeatureLevel> student = List.of(new FeatureLevel("p3", 8, 6), new FeatureLevel("p4", 16, 6));
        FeatureLoss loss = (FeatureLoss) create(new CwdLossFactory(), Fixtures.featurePair(student, TEACHER),
                Map.of("levels", "p3, p4", "student-levels", "p4, p3"));
        assertThat(loss.pairs()).extracting(p -> p.student().name()).containsExactly("p4", "p3");
        assertThatThrownBy(() -> create(new CwdLossFactory(), Fixtures.featurePair(student, TEACHER),
                Map.of("levels", "p3, p4", "student-levels", "p4")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("distill.loss.x.student-levels");
    }

    @Test
    void anUnknownLevelIsAOneLineErrorNamingItAndTheAvailableOnes() {
        List<FeatureLevel> student = List.of(new FeatureLevel("p3", 8, 6));
        assertThatThrownBy(() -> create(new FitNetLossFactory(), Fixtures.featurePair(student, TEACHER),
                Map.of("levels", "p3, p5")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("bad value for distill.loss.x.levels: the teacher has no level 'p5'; available: "
                        + "[c3, p3, p4] (got 'p3, p5')");
    }

    @Test
    void anAdapterExistsExactlyWhereChannelsDiffer() {
        List<FeatureLevel> student = List.of(new FeatureLevel("p3", 8, 6), new FeatureLevel("p4", 16, 3));
        DistillationPair pair = Fixtures.featurePair(student, TEACHER);
        DistillationLoss auto = create(new PkdLossFactory(), pair, Map.of("levels", "p3, p4"));
        assertThat(auto.adapter()).isPresent();
        FeatureAdapters adapters = (FeatureAdapters) auto.adapter().get();
        assertThat(adapters.teacherTaps()).containsExactly("p4");
        assertThat(adapters.studentTaps()).containsExactly("p4");

        FeatureAdapters always = (FeatureAdapters) create(new PkdLossFactory(), pair,
                Map.of("levels", "p3, p4", "adapter", "always")).adapter().get();
        assertThat(always.teacherTaps()).containsExactly("p3", "p4");

        assertThat(create(new CwdLossFactory(), pair, Map.of("levels", "p3")).adapter()).isEmpty();
        assertThatThrownBy(() -> create(new CwdLossFactory(), pair, Map.of("levels", "p3, p4", "adapter", "never")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("teacher level p4 has 6 channels but student level p4 has 3");
        // fitnet adapts every level by default (the paper's regressor), with BN
        FeatureAdapters fitnet = (FeatureAdapters) create(new FitNetLossFactory(), pair, Map.of("levels", "p3, p4"))
                .adapter().get();
        assertThat(fitnet.teacherTaps()).containsExactly("p3", "p4");
        assertThat(fitnet.getParameters().keys()).anyMatch(k -> k.contains("gamma"));
    }

    @Test
    void adaptersInitialiseWithoutShapesOrWithTheStudentTapShapesAndDeterministically() {
        List<FeatureLevel> student = List.of(new FeatureLevel("p3", 8, 4), new FeatureLevel("p4", 16, 3));
        DistillationPair pair = Fixtures.featurePair(student, TEACHER);
        Block a = create(new FitNetLossFactory(), pair, Map.of("levels", "p3, p4")).adapter().get();
        Block b = create(new FitNetLossFactory(), pair, Map.of("levels", "p3, p4")).adapter().get();
        a.initialize(manager, DataType.FLOAT32);
        b.initialize(manager, DataType.FLOAT32, new Shape(2, 4, 5, 5), new Shape(2, 3, 3, 3));
        assertThat(a.getOutputShapes(new Shape[] {new Shape(2, 4, 5, 5), new Shape(2, 3, 3, 3)}))
                .containsExactly(new Shape(2, 6, 5, 5), new Shape(2, 6, 3, 3));
        Parameter wa = convWeight(a, "p3");
        Parameter wb = convWeight(b, "p3");
        assertThat(wa.getArray().getShape()).isEqualTo(new Shape(6, 4, 1, 1));
        assertThat(wa.getArray().toFloatArray()).containsExactly(wb.getArray().toFloatArray());
        // the weights come from the loss's own seeded generator (context seed 42, first adapter), not the engine's RNG
        NDArray expected = new SeededNormalInitializer(42L * 1_000_003L)
                .initialize(manager, new Shape(6, 4, 1, 1), DataType.FLOAT32);
        assertThat(wa.getArray().toFloatArray()).containsExactly(expected.toFloatArray());
        assertThatThrownBy(() -> create(new FitNetLossFactory(), pair, Map.of("levels", "p3, p4")).adapter().get()
                .initialize(manager, DataType.FLOAT32, new Shape(2, 5, 5, 5), new Shape(2, 3, 3, 3)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expects (N, 4, H, W)");
    }

    @Test
    void batchNormAdaptersCopeWithASingleLocation() {
        // p7 of a small image with batch size 1: BatchNorm sees one value per channel
        List<FeatureLevel> student = List.of(new FeatureLevel("p3", 8, 4));
        DistillationLoss loss = create(new FitNetLossFactory(), Fixtures.featurePair(student, TEACHER),
                Map.of("levels", "p3"));
        loss.adapter().get().initialize(manager, DataType.FLOAT32);
        NDArray s = randn(manager, 91, 1, 1, 4, 1, 1);
        NDArray t = randn(manager, 92, 1, 1, 6, 1, 1);
        float value = scalar(loss.compute(Fixtures.input(Fixtures.taps("p3", s), Fixtures.taps("p3", t))));
        assertThat(Float.isFinite(value)).isTrue();
    }

    @Test
    void computeRefusesAnUninitialisedAdapter() {
        List<FeatureLevel> student = List.of(new FeatureLevel("p3", 8, 4));
        DistillationLoss loss = create(new PkdLossFactory(), Fixtures.featurePair(student, TEACHER),
                Map.of("levels", "p3"));
        NDArray s = randn(manager, 1, 1, 1, 4, 2, 2);
        NDArray t = randn(manager, 2, 1, 1, 6, 2, 2);
        assertThatThrownBy(() -> loss.compute(Fixtures.input(Fixtures.taps("p3", s), Fixtures.taps("p3", t))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("initialise its adapter block");
    }

    @Test
    void identicalFeaturesGiveZero() {
        List<FeatureLevel> same = List.of(new FeatureLevel("p3", 8, 6), new FeatureLevel("p4", 16, 6));
        DistillationPair pair = Fixtures.featurePair(same, TEACHER);
        NDArray f3 = randn(manager, 61, 1, 2, 6, 4, 4);
        NDArray f4 = randn(manager, 62, 1, 2, 6, 2, 2);
        var input = Fixtures.input(Fixtures.taps("p3", f3, "p4", f4), Fixtures.taps("p3", f3, "p4", f4));
        Map<String, String> levels = Map.of("levels", "p3, p4");
        assertThat(scalar(create(new PkdLossFactory(), pair, levels).compute(input))).isCloseTo(0f, within(1e-6f));
        assertThat(scalar(create(new CwdLossFactory(), pair, levels).compute(input))).isCloseTo(0f, within(1e-6f));
        assertThat(scalar(create(new FitNetLossFactory(), pair, Map.of("levels", "p3, p4", "adapter", "never"))
                .compute(input))).isZero();

        // fitnet's adapter set to the identity (no BN): zero as well
        DistillationLoss fitnet = create(new FitNetLossFactory(), pair,
                Map.of("levels", "p3, p4", "adapter-norm", "false"));
        Block adapter = fitnet.adapter().get();
        adapter.initialize(manager, DataType.FLOAT32);
        for (Pair<String, Parameter> p : adapter.getParameters()) {
            NDArray array = p.getValue().getArray();
            array.set(p.getKey().endsWith("weight")
                    ? manager.eye(6).reshape(6, 6, 1, 1).toFloatArray()
                    : new float[Math.toIntExact(array.size())]);
        }
        assertThat(scalar(fitnet.compute(input))).isCloseTo(0f, within(1e-10f));
    }

    @Test
    void levelsAreAveragedOrSummed() {
        List<FeatureLevel> same = List.of(new FeatureLevel("p3", 8, 6), new FeatureLevel("p4", 16, 6));
        DistillationPair pair = Fixtures.featurePair(same, TEACHER);
        NDArray s3 = randn(manager, 71, 1, 1, 6, 4, 4);
        NDArray s4 = randn(manager, 72, 1, 1, 6, 2, 2);
        NDArray t3 = randn(manager, 73, 1, 1, 6, 4, 4);
        NDArray t4 = randn(manager, 74, 1, 1, 6, 2, 2);
        var input = Fixtures.input(Fixtures.taps("p3", s3, "p4", s4), Fixtures.taps("p3", t3, "p4", t4));
        float l3 = scalar(FeatureLosses.cwd(s3, t3, 2));
        float l4 = scalar(FeatureLosses.cwd(s4, t4, 2));
        assertThat(scalar(create(new CwdLossFactory(), pair, Map.of("levels", "p3, p4", "tau", "2")).compute(input)))
                .isCloseTo((l3 + l4) / 2, within(1e-6f));
        assertThat(scalar(create(new CwdLossFactory(), pair,
                Map.of("levels", "p3, p4", "tau", "2", "level-reduction", "sum")).compute(input)))
                .isCloseTo(l3 + l4, within(1e-6f));
    }

    @Test
    void gradientsReachStudentTapsAndAdapterParametersButNotTheTeacher() {
        List<FeatureLevel> student = List.of(new FeatureLevel("p3", 8, 4), new FeatureLevel("p4", 16, 6));
        for (DistillationLossFactory factory : List.of(new FitNetLossFactory(), new PkdLossFactory(),
                new CwdLossFactory())) {
            DistillationLoss loss = create(factory, Fixtures.featurePair(student, TEACHER), Map.of("levels", "p3, p4"));
            Block adapter = loss.adapter().get();
            adapter.initialize(manager, DataType.FLOAT32);
            NDArray s3 = randn(manager, 81, 1, 2, 4, 4, 4);
            NDArray s4 = randn(manager, 82, 1, 2, 6, 2, 2);
            NDArray t3 = randn(manager, 83, 1, 2, 6, 4, 4);
            NDArray t4 = randn(manager, 84, 1, 2, 6, 2, 2);
            for (NDArray a : List.of(s3, s4, t3, t4)) {
                a.setRequiresGradient(true);
            }
            try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
                NDArray value = loss.compute(Fixtures.input(Fixtures.taps("p3", s3, "p4", s4),
                        Fixtures.taps("p3", t3, "p4", t4)));
                assertThat(value.getShape().isScalar()).isTrue();
                collector.backward(value);
            }
            assertThat(GradientAssert.norm(s3)).as(factory.name() + " s3").isGreaterThan(0);
            assertThat(GradientAssert.norm(s4)).as(factory.name() + " s4").isGreaterThan(0);
            assertThat(GradientAssert.norm(t3)).as(factory.name() + " t3").isZero();
            assertThat(GradientAssert.norm(t4)).as(factory.name() + " t4").isZero();
            for (Pair<String, Parameter> p : adapter.getParameters()) {
                if (p.getValue().requiresGradient()) {
                    assertThat(GradientAssert.norm(p.getValue().getArray())).as(factory.name() + " " + p.getKey())
                            .isGreaterThan(0);
                }
            }
        }
    }

    private static Parameter convWeight(Block adapters, String level) {
        return adapters.getParameters().stream()
                .filter(p -> p.getKey().contains(level + "_") && p.getKey().endsWith("Conv2d_weight"))
                .map(Pair::getValue).findFirst().orElseThrow(() -> new AssertionError(adapters.getParameters().keys()));
    }
}
