package com.example.fcos;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.hdkd.api.ComponentContext;
import io.hdkd.api.Detection;
import io.hdkd.api.DetectorHead;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.ImageMeta;
import io.hdkd.api.ImageTargets;
import io.hdkd.api.InvalidInputException;
import io.hdkd.api.LossTerms;
import io.hdkd.api.Options;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FcosHeadTest {

    private static final List<FeatureLevel> LEVELS = List.of(new FeatureLevel("p3", 8, 8),
            new FeatureLevel("p4", 16, 8));

    private static DetectorHead head(Map<String, String> options) {
        FcosHeadFactory factory = new FcosHeadFactory();
        Map<String, String> given = new java.util.HashMap<>(Map.of("gn-groups", "4"));
        given.putAll(options);
        return factory.create(Options.of("model.head.", factory.options(), given),
                new ComponentContext(2, LEVELS, Device.cpu(), 5));
    }

    @Test
    void perfectOutputsDecodeBackToTheBoxInOriginalPixels() {
        DetectorHead head = head(Map.of());
        try (NDManager m = NDManager.newBaseManager()) {
            // Input 32 x 32: p3 is 4 x 4 locations (rows y * 4 + x), p4 2 x 2.
            NDArray cls3 = m.full(new Shape(1, 16, 2), -10f);
            NDArray cls4 = m.full(new Shape(1, 4, 2), -10f);
            // Location (12, 12) (row 5) sees class 1 and a box 10 left, 9 up, 8 right, 13 down: [2, 3, 20, 25].
            cls3.set(new ai.djl.ndarray.index.NDIndex("0, 5, 1"), 10f);
            NDArray box3 = m.ones(new Shape(1, 16, 4));
            box3.set(new ai.djl.ndarray.index.NDIndex("0, 5"), m.create(new float[] {10, 9, 8, 13}));
            NDArray box4 = m.ones(new Shape(1, 4, 4));
            NDArray ctr3 = m.full(new Shape(1, 16, 1), 10f);
            NDArray ctr4 = m.full(new Shape(1, 4, 1), 10f);
            NDList raw = new NDList(cls3, cls4, box3, box4, ctr3, ctr4);
            // The original was 16 x 16, resized by 2.
            List<List<Detection>> out = head.decode(raw, List.of(new ImageMeta(1, 16, 16, 2f, 2f)),
                    new Shape(32, 32));
            assertThat(out).hasSize(1);
            assertThat(out.get(0)).hasSize(1);
            Detection d = out.get(0).get(0);
            assertThat(d.label()).isEqualTo(1);
            assertThat(d.score()).isCloseTo(1f, offset(1e-3f));
            assertThat(new float[] {d.x1(), d.y1(), d.x2(), d.y2()})
                    .containsExactly(new float[] {1f, 1.5f, 10f, 12.5f}, offset(1e-5f));
        }
    }

    @Test
    void lossIsFiniteAndLowerForTheRightAnswer() {
        DetectorHead head = head(Map.of("center-sampling-radius", "0"));
        try (NDManager m = NDManager.newBaseManager()) {
            ImageTargets target = new ImageTargets(m.create(new float[] {8, 8, 16, 16}, new Shape(1, 4)),
                    m.create(new int[] {0}));
            // Only location (12, 12) of p3 (row 5) is inside the box; its distances are 4 on every side.
            LossTerms wrong = head.loss(outputs(m, -5f, 1f), List.of(target), new Shape(32, 32));
            LossTerms right = head.loss(outputs(m, 5f, 4f), List.of(target), new Shape(32, 32));
            for (NDArray t : wrong.terms().values()) {
                assertThat(Float.isFinite(t.getFloat())).isTrue();
            }
            assertThat(wrong.terms()).containsOnlyKeys("cls", "box", "ctr");
            assertThat(right.terms().get("box").getFloat()).isCloseTo(0f, offset(1e-5f));
            assertThat(right.terms().get("cls").getFloat()).isLessThan(wrong.terms().get("cls").getFloat());
            assertThat(wrong.terms().get("box").getFloat()).isGreaterThan(0.5f);
        }
    }

    @Test
    void anUntrainedHeadDetectsNothingBecauseItsPriorIsBelowTheScoreThreshold() {
        DetectorHead head = head(Map.of());
        try (NDManager m = NDManager.newBaseManager()) {
            head.block().initialize(m, ai.djl.ndarray.types.DataType.FLOAT32, new Shape(2, 8, 4, 4),
                    new Shape(2, 8, 2, 2));
            ai.djl.engine.Engine.getInstance().setRandomSeed(7);
            NDList features = new NDList(m.randomNormal(new Shape(2, 8, 4, 4)), m.randomNormal(new Shape(2, 8, 2, 2)));
            NDList raw = head.block().forward(new ai.djl.training.ParameterStore(m, false), features, false);
            float maxProbability = ai.djl.nn.Activation.sigmoid(raw.get(0)).max().getFloat();
            assertThat(maxProbability).isBetween(0.005f, 0.02f);
            ImageMeta meta = new ImageMeta(1, 32, 32, 1f, 1f);
            assertThat(head.decode(raw, List.of(meta, meta), new Shape(32, 32))).containsExactly(List.of(), List.of());
        }
    }

    @Test
    void badOptionsAreRefusedNamingTheKey() {
        assertThatThrownBy(() -> head(Map.of("size-ranges", "64, 128")))
                .isInstanceOf(InvalidInputException.class)
                .hasMessageContaining("model.head.size-ranges").hasMessageContaining("expected 1 limits");
        assertThatThrownBy(() -> head(Map.of("gn-groups", "3")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("model.head.gn-groups");
        assertThatThrownBy(() -> head(Map.of("nms-treshold", "0.5")))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("did you mean model.head.nms-threshold");
    }

    /** Raw outputs with class-0 logit {@code logit} and distance {@code d} at p3's row 5, background elsewhere. */
    private static NDList outputs(NDManager m, float logit, float d) {
        NDArray cls3 = m.full(new Shape(1, 16, 2), -8f);
        cls3.set(new ai.djl.ndarray.index.NDIndex("0, 5, 0"), logit);
        NDArray box3 = m.full(new Shape(1, 16, 4), d);
        return new NDList(cls3, m.full(new Shape(1, 4, 2), -8f), box3, m.full(new Shape(1, 4, 4), d),
                m.zeros(new Shape(1, 16, 1)), m.zeros(new Shape(1, 4, 1)));
    }
}
