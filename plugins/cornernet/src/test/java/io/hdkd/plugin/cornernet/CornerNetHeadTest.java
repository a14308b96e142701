package io.hdkd.plugin.cornernet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.hdkd.api.Detection;
import io.hdkd.api.DetectorHead;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.ImageMeta;
import io.hdkd.api.ImageTargets;
import io.hdkd.api.LossTerms;
import io.hdkd.api.Options;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CornerNetHeadTest {

    private static final int MAP = 16;
    private static final int STRIDE = 8;
    private static final Shape INPUT = new Shape(MAP * STRIDE, MAP * STRIDE);

    private final CornerNetHeadFactory factory = new CornerNetHeadFactory();

    private DetectorHead head(int classes, List<FeatureLevel> levels, Map<String, String> options) {
        return factory.create(Options.of("model.head.", factory.options(), options),
                CornerNetHeadFactoryTest.context(classes, levels));
    }

    @Test
    void aSingleBoxDecodesBackToItselfInOriginalCoordinates() {
        DetectorHead head = head(3, CornerNetHeadFactoryTest.FPN, Map.of());
        ImageMeta meta = new ImageMeta(7L, 210, 170, 0.6f, 0.75f);
        float[] box = {13.3f, 21.7f, 90.1f, 70.9f};
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList raw = perfectOutputs(manager, 3, new float[][] {box}, new int[] {1});
            List<List<Detection>> detections = head.decode(raw, List.of(meta), INPUT);
            assertThat(detections).hasSize(1);
            assertThat(detections.get(0)).hasSize(1);
            Detection d = detections.get(0).get(0);
            assertThat(d.label()).isEqualTo(1);
            assertThat(d.score()).isCloseTo(1f, within(1e-5f));
            assertThat(d.x1()).isCloseTo(13.3f / 0.6f, within(1e-4f));
            assertThat(d.y1()).isCloseTo(21.7f / 0.75f, within(1e-4f));
            assertThat(d.x2()).isCloseTo(90.1f / 0.6f, within(1e-4f));
            assertThat(d.y2()).isCloseTo(70.9f / 0.75f, within(1e-4f));
        }
    }

    @Test
    void twoBoxesOfDifferentClassesBothDecode() {
        DetectorHead head = head(3, CornerNetHeadFactoryTest.FPN, Map.of());
        ImageMeta meta = new ImageMeta(8L, 256, 256, 0.5f, 0.5f);
        float[][] boxes = {{4.5f, 6.25f, 60.0f, 50.5f}, {40.2f, 30.1f, 120.7f, 127.9f}};
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList raw = perfectOutputs(manager, 3, boxes, new int[] {2, 0});
            List<Detection> detections = head.decode(raw, List.of(meta), INPUT).get(0);
            assertThat(detections).hasSize(2);
            assertThat(detections).extracting(Detection::label).containsExactlyInAnyOrder(2, 0);
            for (Detection d : detections) {
                float[] b = boxes[d.label() == 2 ? 0 : 1];
                assertThat(new float[] {d.x1(), d.y1(), d.x2(), d.y2()})
                        .containsExactly(new float[] {b[0] * 2, b[1] * 2, b[2] * 2, b[3] * 2}, within(1e-4f));
            }
        }
    }

    @Test
    void eachImageOfABatchDecodesWithItsOwnMeta() {
        DetectorHead head = head(3, CornerNetHeadFactoryTest.FPN, Map.of());
        List<ImageMeta> metas = List.of(new ImageMeta(1L, 256, 256, 0.5f, 0.5f), new ImageMeta(2L, 64, 64, 2f, 2f));
        float[][] first = {{4.5f, 6.25f, 60.0f, 50.5f}};
        float[][] second = {{40.2f, 30.1f, 120.7f, 127.9f}};
        try (NDManager manager = NDManager.newBaseManager()) {
            NDList a = perfectOutputs(manager, 3, first, new int[] {1});
            NDList b = perfectOutputs(manager, 3, second, new int[] {2});
            NDList batch = new NDList();
            for (int i = 0; i < a.size(); i++) {
                batch.add(a.get(i).concat(b.get(i), 0));
            }
            List<List<Detection>> detections = head.decode(batch, metas, INPUT);
            assertThat(detections).hasSize(2);
            Detection d0 = detections.get(0).get(0);
            Detection d1 = detections.get(1).get(0);
            assertThat(detections.get(0)).hasSize(1);
            assertThat(detections.get(1)).hasSize(1);
            assertThat(d0.label()).isEqualTo(1);
            assertThat(d1.label()).isEqualTo(2);
            assertThat(new float[] {d0.x1(), d0.y1(), d0.x2(), d0.y2()})
                    .containsExactly(new float[] {9f, 12.5f, 120f, 101f}, within(1e-4f));
            assertThat(new float[] {d1.x1(), d1.y1(), d1.x2(), d1.y2()})
                    .containsExactly(new float[] {20.1f, 15.05f, 60.35f, 63.95f}, within(1e-4f));
        }
    }

    @Test
    void cornersWhoseEmbeddingsDifferByMoreThanTheThresholdAreNotPaired() {
        DetectorHead head = head(3, CornerNetHeadFactoryTest.FPN, Map.of());
        ImageMeta meta = new ImageMeta(9L, 128, 128, 1f, 1f);
        try (NDManager manager = NDManager.newBaseManager()) {
            float[][] box = {{13.3f, 21.7f, 90.1f, 70.9f}};
            NDList raw = perfectOutputs(manager, 3, box, new int[] {0});
            assertThat(head.decode(raw, List.of(meta), INPUT).get(0)).hasSize(1);
            raw.set(3, raw.get(3).add(0.51f)); // every bottom-right embedding moves 0.51 away
            assertThat(head.decode(raw, List.of(meta), INPUT).get(0)).isEmpty();
            raw.set(3, raw.get(3).sub(0.02f)); // 0.49: paired again
            assertThat(head.decode(raw, List.of(meta), INPUT).get(0)).hasSize(1);
        }
    }

    @Test
    void bottomRightCornersLeftOfOrAboveTheTopLeftAreNotPaired() {
        DetectorHead head = head(3, CornerNetHeadFactoryTest.FPN, Map.of());
        ImageMeta meta = new ImageMeta(9L, 128, 128, 1f, 1f);
        try (NDManager manager = NDManager.newBaseManager()) {
            // the "top-left" target of the second box sits right of and below the "bottom-right" of the first
            NDList first = perfectOutputs(manager, 3, new float[][] {{8.5f, 8.5f, 40.5f, 40.5f}}, new int[] {0});
            NDList second = perfectOutputs(manager, 3, new float[][] {{60.5f, 60.5f, 100.5f, 100.5f}}, new int[] {0});
            NDList swapped = new NDList(second.get(0), first.get(1), second.get(2), first.get(3), second.get(4),
                    first.get(5));
            assertThat(head.decode(swapped, List.of(meta), INPUT).get(0)).isEmpty();
            NDList matched = new NDList(first.get(0), second.get(1), first.get(2), second.get(3), first.get(4),
                    second.get(5));
            List<Detection> d = head.decode(matched, List.of(meta), INPUT).get(0);
            assertThat(d).hasSize(1);
            assertThat(new float[] {d.get(0).x1(), d.get(0).y1(), d.get(0).x2(), d.get(0).y2()})
                    .containsExactly(new float[] {8.5f, 8.5f, 100.5f, 100.5f}, within(1e-4f));
        }
    }

    /**
     * The default head on the FPN's p3 (256 channels) with 80 classes and width 128. Per corner: two 3x3 branches
     * 9·256·128 each, 3x3 conv after pooling 9·128², 1x1 skip 256·128, 3x3 fuse 9·128², five BNs (γ, β) 2·128 each,
     * and three output heads (3x3 conv 9·128² + 128, 1x1 conv 128·out + out) for out = 80, 1, 2.
     * That is 1,372,243 per corner, <b>2,744,486</b> trainable parameters in total, plus 2·5·2·128 = 2,560 BatchNorm
     * running statistics (which DJL stores as parameters without gradient).
     */
    @Test
    void defaultHeadHas2744486TrainableParameters() {
        int cin = 256;
        int ch = 128;
        int classes = 80;
        long perCorner = 2L * 9 * cin * ch + 9L * ch * ch + (long) cin * ch + 9L * ch * ch + 5L * 2 * ch;
        for (int out : new int[] {classes, 1, 2}) {
            perCorner += 9L * ch * ch + ch + (long) ch * out + out;
        }
        long expected = 2 * perCorner;
        assertThat(expected).isEqualTo(2_744_486L);

        DetectorHead head = head(classes, CornerNetHeadFactoryTest.FPN, Map.of());
        try (NDManager manager = NDManager.newBaseManager()) {
            head.block().initialize(manager, DataType.FLOAT32, new Shape(1, cin, 8, 8), new Shape(1, cin, 4, 4),
                    new Shape(1, cin, 2, 2), new Shape(1, cin, 1, 1), new Shape(1, cin, 1, 1));
            long trainable = 0;
            long other = 0;
            for (Pair<String, Parameter> p : head.block().getParameters()) {
                long size = p.getValue().getArray().size();
                if (p.getValue().requiresGradient()) {
                    trainable += size;
                } else {
                    other += size;
                }
            }
            assertThat(trainable).isEqualTo(expected);
            assertThat(other).isEqualTo(2L * 5 * 2 * ch);
        }
    }

    @Test
    void heatmapBiasStartsAtTheFocalPrior() {
        DetectorHead head = head(2, List.of(new FeatureLevel("p3", 8, 8)), Map.of("channels", "8"));
        try (NDManager manager = NDManager.newBaseManager()) {
            head.block().initialize(manager, DataType.FLOAT32, new Shape(1, 8, 4, 4));
            long priors = head.block().getParameters().stream()
                    .filter(p -> p.getKey().contains("heatmap") && p.getValue().getType() == Parameter.Type.BIAS)
                    .filter(p -> p.getValue().getArray().eq(-2.19f).all().getBoolean())
                    .count();
            assertThat(priors).as("the last heatmap conv's bias of each corner").isEqualTo(2);
        }
    }

    @Test
    void forwardShapesAndLossTerms() {
        DetectorHead head = head(3, List.of(new FeatureLevel("c2", 4, 8), new FeatureLevel("p3", 8, 8)),
                Map.of("channels", "8"));
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(3);
            NDList features = new NDList(manager.randomNormal(new Shape(2, 8, 32, 32)),
                    manager.randomNormal(new Shape(2, 8, MAP, MAP)));
            head.block().initialize(manager, DataType.FLOAT32, features.getShapes());
            NDList raw = head.block().forward(new ParameterStore(manager, false), features, false);
            assertThat(raw.getShapes()).containsExactly(new Shape(2, 3, MAP, MAP), new Shape(2, 3, MAP, MAP),
                    new Shape(2, 1, MAP, MAP), new Shape(2, 1, MAP, MAP), new Shape(2, 2, MAP, MAP),
                    new Shape(2, 2, MAP, MAP));
            List<ImageTargets> targets = List.of(
                    targets(manager, new float[][] {{10, 12, 70, 90}, {30, 40, 100, 60}}, new int[] {0, 2}),
                    targets(manager, new float[0][], new int[0]));
            LossTerms loss = head.loss(raw, targets, INPUT);
            assertThat(loss.terms()).containsOnlyKeys("heatmap", "pull", "push", "offset");
            for (NDArray term : loss.terms().values()) {
                assertThat(term.getShape().isScalar()).isTrue();
                assertThat(Float.isFinite(term.getFloat())).isTrue();
                assertThat(term.getFloat()).isGreaterThanOrEqualTo(0f);
            }
            assertThat(loss.terms().get("heatmap").getFloat()).isPositive();
        }
    }

    private static ImageTargets targets(NDManager manager, float[][] boxes, int[] labels) {
        float[] flat = new float[boxes.length * 4];
        for (int i = 0; i < boxes.length; i++) {
            System.arraycopy(boxes[i], 0, flat, 4 * i, 4);
        }
        return new ImageTargets(manager.create(flat, new Shape(boxes.length, 4)), manager.create(labels));
    }

    /**
     * Raw outputs that a perfect head would give for these boxes on one image: heatmap logits of the Gaussian targets,
     * embeddings equal to the object's index at its corners and far apart elsewhere (+5 for top-left, −5 for
     * bottom-right, so no stray pair groups), offsets equal to the targets at the corners.
     */
    private static NDList perfectOutputs(NDManager manager, int classes, float[][] boxes, int[] labels) {
        return PerfectOutputs.of(manager, targets(manager, boxes, labels), classes, MAP, MAP, STRIDE);
    }
}
