package io.hdkd.plugin.kdlosses;

import static io.hdkd.plugin.kdlosses.Fixtures.randn;
import static io.hdkd.plugin.kdlosses.Fixtures.scalar;
import static io.hdkd.plugin.kdlosses.Fixtures.values;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
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

class SoftTargetKlLossFactoryTest {

    private static final List<HeadOutput> RETINA = List.of(
            new HeadOutput("cls_p3", OutputKind.CLASS_LOGITS_SIGMOID, 8),
            new HeadOutput("box_p3", OutputKind.BOX_REGRESSION, 8),
            new HeadOutput("cls_p4", OutputKind.CLASS_LOGITS_SIGMOID, 16));
    private static final List<HeadOutput> CORNER = List.of(
            new HeadOutput("tl_heatmap", OutputKind.HEATMAP, 4));

    private final SoftTargetKlLossFactory factory = new SoftTargetKlLossFactory();
    private NDManager manager;

    @BeforeEach
    void open() {
        manager = NDManager.newBaseManager("PyTorch");
    }

    @AfterEach
    void close() {
        manager.close();
    }

    private DistillationLoss create(DistillationPair pair, Map<String, String> given) {
        return factory.create(Fixtures.options(factory, given), Fixtures.context(pair));
    }

    @Test
    void refusesDifferentHeadTypesInOneLineThatSaysWhy() {
        DistillationPair pair = Fixtures.headPair(CORNER, RETINA, "cornernet", "retinanet");
        assertThatThrownBy(() -> create(pair, Map.of()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessage("loss 'kl' compares class outputs, which needs the same head type on both sides; teacher is"
                        + " retinanet, student is cornernet — use a feature loss (fitnet, pkd, cwd)");
    }

    @Test
    void refusesAFeaturesOnlyTeacherAndHeadsWithoutClassLogits() {
        assertThatThrownBy(() -> create(Fixtures.headPair(RETINA, List.of(), "retinanet", null), Map.of()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("teacher is none (features only), student is retinanet")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> create(Fixtures.headPair(CORNER, CORNER, "cornernet", "cornernet"), Map.of()))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("has no class-logit outputs")
                .hasMessageContaining("use a feature loss");
    }

    @Test
    void readsTheClassOutputsBothHeadsShare() {
        DistillationLoss loss = create(Fixtures.headPair(RETINA, RETINA, "retinanet", "retinanet"), Map.of());
        assertThat(loss.taps()).containsExactly("cls_p3", "cls_p4");
        assertThat(loss.requiresSameHeadType()).isTrue();
        assertThat(loss.adapter()).isEmpty();
    }

    @Test
    void pooledIsTSquaredTimesTheMeanOverAllAnchorsAndClasses() {
        DistillationLoss loss = create(Fixtures.headPair(RETINA, RETINA, "retinanet", "retinanet"),
                Map.of("temperature", "2"));
        NDArray s3 = randn(manager, 21, 3, 2, 6, 3);
        NDArray t3 = randn(manager, 22, 3, 2, 6, 3);
        NDArray s4 = randn(manager, 23, 3, 2, 2, 3);
        NDArray t4 = randn(manager, 24, 3, 2, 2, 3);
        float got = scalar(loss.compute(Fixtures.input(Fixtures.taps("cls_p3", s3, "cls_p4", s4),
                Fixtures.taps("cls_p3", t3, "cls_p4", t4))));
        double sum = 0;
        int count = 0;
        for (NDArray[] st : new NDArray[][] {{s3, t3}, {s4, t4}}) {
            double[] a = values(st[0]);
            double[] b = values(st[1]);
            for (int i = 0; i < a.length; i++) {
                double ps = 1 / (1 + Math.exp(-a[i] / 2));
                double pt = 1 / (1 + Math.exp(-b[i] / 2));
                sum += pt * Math.log(pt / ps) + (1 - pt) * Math.log((1 - pt) / (1 - ps));
                count++;
            }
        }
        assertThat(got).isCloseTo((float) (4 * sum / count), within(1e-5f));

        DistillationLoss perLevel = create(Fixtures.headPair(RETINA, RETINA, "retinanet", "retinanet"),
                Map.of("temperature", "2", "level-reduction", "mean"));
        float mean = scalar(perLevel.compute(Fixtures.input(Fixtures.taps("cls_p3", s3, "cls_p4", s4),
                Fixtures.taps("cls_p3", t3, "cls_p4", t4))));
        float p3 = scalar(ClassLogitKl.binaryMap(s3, t3, 2).mean().mul(4));
        float p4 = scalar(ClassLogitKl.binaryMap(s4, t4, 2).mean().mul(4));
        assertThat(mean).isCloseTo((p3 + p4) / 2, within(1e-5f));
    }

    @Test
    void softmaxHeadsUseTheMulticlassForm() {
        List<HeadOutput> outputs = List.of(new HeadOutput("cls", OutputKind.CLASS_LOGITS_SOFTMAX, 0));
        DistillationLoss loss = create(Fixtures.headPair(outputs, outputs, "fasterrcnn", "fasterrcnn"), Map.of());
        NDArray s = randn(manager, 31, 2, 5, 4);
        NDArray t = randn(manager, 32, 2, 5, 4);
        float got = scalar(loss.compute(Fixtures.input(Fixtures.taps("cls", s), Fixtures.taps("cls", t))));
        assertThat(got).isCloseTo(scalar(ClassLogitKl.softmaxMap(s, t, 1).mean()), within(1e-6f));
        assertThat(scalar(loss.compute(Fixtures.input(Fixtures.taps("cls", t), Fixtures.taps("cls", t)))))
                .isCloseTo(0f, within(1e-7f));
    }

    @Test
    void gradientReachesTheStudentOnly() {
        DistillationLoss loss = create(Fixtures.headPair(RETINA, RETINA, "retinanet", "retinanet"), Map.of());
        NDArray s3 = randn(manager, 41, 3, 1, 4, 2);
        NDArray t3 = randn(manager, 42, 3, 1, 4, 2);
        NDArray s4 = randn(manager, 43, 3, 1, 1, 2);
        NDArray t4 = randn(manager, 44, 3, 1, 1, 2);
        for (NDArray a : List.of(s3, t3, s4, t4)) {
            a.setRequiresGradient(true);
        }
        try (GradientCollector collector = manager.getEngine().newGradientCollector()) {
            collector.backward(loss.compute(Fixtures.input(Fixtures.taps("cls_p3", s3, "cls_p4", s4),
                    Fixtures.taps("cls_p3", t3, "cls_p4", t4))));
        }
        assertThat(GradientAssert.norm(s3)).isGreaterThan(0);
        assertThat(GradientAssert.norm(s4)).isGreaterThan(0);
        assertThat(GradientAssert.norm(t3)).isZero();
        assertThat(GradientAssert.norm(t4)).isZero();
    }

    @Test
    void rejectsANonPositiveTemperature() {
        assertThatThrownBy(() -> create(Fixtures.headPair(RETINA, RETINA, "retinanet", "retinanet"),
                Map.of("temperature", "0")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("distill.loss.x.temperature");
    }
}
