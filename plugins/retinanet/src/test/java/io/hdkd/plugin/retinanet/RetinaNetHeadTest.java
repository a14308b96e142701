package io.hdkd.plugin.retinanet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.data.Offset.offset;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import io.hdkd.api.Detection;
import io.hdkd.api.ImageMeta;
import io.hdkd.api.ImageTargets;
import io.hdkd.api.LossTerms;
import io.hdkd.api.head.Boxes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RetinaNetHeadTest {

    private static final int CLASSES = 3;
    private static final Shape INPUT = new Shape(64, 64);
    // p3 (stride 8): 8 x 8 x 9 rows, p4 (stride 16): 4 x 4 x 9 rows.
    private static final int[] ROWS = {576, 144};
    private static final int K = 720;

    private final float[] gt = {10, 12, 40, 30, 20, 20, 60, 62};
    private final long[] gtLabels = {2, 0};

    @Test
    void decodingPerfectOutputsGivesTheBoxesBackInOriginalCoordinates() {
        RetinaNetHead head = Heads.create(CLASSES, Heads.levels(3, 4, 8), Map.of());
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray anchors = NDArrays.concat(head.anchors(m, INPUT), 0);
            NDArray boxes = m.create(gt, new Shape(2, 4));
            long[] best = Boxes.iouMatrix(anchors, boxes).argMax(0).toLongArray();
            assertThat(best[0]).isNotEqualTo(best[1]);

            float[] logits = filled(K * CLASSES, -10f);
            float[] deltas = new float[K * 4];
            float[] exact = new BoxCoder(new double[] {1, 1, 1, 1})
                    .encode(boxes, anchors.get(m.create(best))).toFloatArray();
            for (int g = 0; g < 2; g++) {
                logits[(int) best[g] * CLASSES + (int) gtLabels[g]] = 10f - g;
                System.arraycopy(exact, 4 * g, deltas, 4 * (int) best[g], 4);
            }
            // Image 0 has the two objects; image 1 only low scores.
            NDList raw = rawOutputs(m, new float[][] {logits, filled(K * CLASSES, -10f)},
                    new float[][] {deltas, new float[K * 4]});
            // Originals 160 x 128 resized by (0.4, 0.5) to fill the 64 x 64 input.
            List<ImageMeta> metas = List.of(new ImageMeta(1, 160, 128, 0.4f, 0.5f), new ImageMeta(2, 64, 64, 1, 1));
            List<List<Detection>> detections = head.decode(raw, metas, INPUT);

            assertThat(detections.get(1)).isEmpty();
            List<Detection> found = detections.get(0);
            assertThat(found).hasSize(2);
            float s = 1f / (1f + (float) Math.exp(-10));
            assertThat(found.get(0).score()).isCloseTo(s, offset(1e-6f));
            for (int g = 0; g < 2; g++) {
                Detection d = found.get(g);
                assertThat(d.label()).isEqualTo((int) gtLabels[g]);
                assertThat(new float[] {d.x1(), d.y1(), d.x2(), d.y2()}).containsExactly(new float[] {
                    gt[4 * g] / 0.4f, gt[4 * g + 1] / 0.5f, Math.min(gt[4 * g + 2] / 0.4f, 160),
                    Math.min(gt[4 * g + 3] / 0.5f, 128)}, offset(1e-2f));
            }
        }
    }

    @Test
    void decodingKeepsAtMostMaxDetectionsBestFirst() {
        RetinaNetHead head = Heads.create(CLASSES, Heads.levels(3, 4, 8),
                Map.of("max-detections", "10", "topk-candidates", "50"));
        Random random = new Random(3);
        float[] logits = new float[K * CLASSES];
        for (int i = 0; i < logits.length; i++) {
            logits[i] = (float) random.nextGaussian() * 3;
        }
        float[] deltas = new float[K * 4];
        for (int i = 0; i < deltas.length; i++) {
            deltas[i] = (float) random.nextGaussian() * 0.2f;
        }
        try (NDManager m = NDManager.newBaseManager()) {
            List<Detection> found = head.decode(rawOutputs(m, new float[][] {logits}, new float[][] {deltas}),
                    List.of(new ImageMeta(1, 64, 64, 1, 1)), INPUT).get(0);
            assertThat(found).hasSize(10);
            assertThat(found).isSortedAccordingTo(Comparator.comparingDouble((Detection d) -> d.score()).reversed());
            for (Detection d : found) {
                assertThat(d.score()).isGreaterThan(0.05f);
                assertThat(d.x1()).isBetween(0f, 64f);
                assertThat(d.x2()).isBetween(d.x1(), 64f);
            }
        }
    }

    @Test
    void lossMatchesAScalarComputationWithPerImageAndPerBatchNormalisation() {
        Random random = new Random(5);
        float[][] logits = new float[2][K * CLASSES];
        float[][] deltas = new float[2][K * 4];
        for (int n = 0; n < 2; n++) {
            for (int i = 0; i < K * CLASSES; i++) {
                logits[n][i] = (float) random.nextGaussian() * 2;
            }
            for (int i = 0; i < K * 4; i++) {
                deltas[n][i] = (float) random.nextGaussian() * 0.5f;
            }
        }
        for (String normalization : List.of("image", "batch")) {
            RetinaNetHead head = Heads.create(CLASSES, Heads.levels(3, 4, 8),
                    Map.of("loss-normalization", normalization));
            try (NDManager m = NDManager.newBaseManager()) {
                NDArray anchors = NDArrays.concat(head.anchors(m, INPUT), 0);
                float[] a = anchors.toFloatArray();
                NDArray boxes = m.create(gt, new Shape(2, 4));
                long[] matched = new AnchorMatcher(0.5, 0.4, true).match(Boxes.iouMatrix(anchors, boxes))
                        .toLongArray();
                long positives = java.util.Arrays.stream(matched).filter(x -> x >= 0).count();
                long ignored = java.util.Arrays.stream(matched).filter(x -> x == AnchorMatcher.IGNORED).count();
                assertThat(positives).isGreaterThanOrEqualTo(2);
                assertThat(ignored).isPositive();

                // Image 0: the two boxes; image 1: no boxes, every anchor negative.
                double cls0 = 0;
                double box0 = 0;
                for (int k = 0; k < K; k++) {
                    if (matched[k] == AnchorMatcher.IGNORED) {
                        continue;
                    }
                    for (int c = 0; c < CLASSES; c++) {
                        double t = matched[k] >= 0 && gtLabels[(int) matched[k]] == c ? 1 : 0;
                        cls0 += focal(logits[0][k * CLASSES + c], t);
                    }
                    if (matched[k] >= 0) {
                        double[] target = encode(gt, (int) matched[k], a, k);
                        for (int j = 0; j < 4; j++) {
                            box0 += Math.abs(deltas[0][4 * k + j] - target[j]);
                        }
                    }
                }
                double cls1 = 0;
                for (int i = 0; i < K * CLASSES; i++) {
                    cls1 += focal(logits[1][i], 0);
                }
                List<ImageTargets> targets = List.of(new ImageTargets(boxes, m.create(new int[] {2, 0})),
                        new ImageTargets(m.zeros(new Shape(0, 4)), m.zeros(new Shape(0), ai.djl.ndarray.types.DataType.INT32)));
                LossTerms terms = head.loss(rawOutputs(m, logits, deltas), targets, INPUT);
                double expectedCls = normalization.equals("image")
                        ? (cls0 / positives + cls1) / 2 : (cls0 + cls1) / positives;
                double expectedBox = normalization.equals("image") ? box0 / positives / 2 : box0 / positives;
                assertThat((double) terms.terms().get("cls").getFloat()).isCloseTo(expectedCls,
                        offset(1e-4 * expectedCls));
                assertThat((double) terms.terms().get("box").getFloat()).isCloseTo(expectedBox,
                        offset(1e-4 * expectedBox));
                assertThat(terms.terms()).containsOnlyKeys("cls", "box");
            }
        }
    }

    @Test
    void everyBoxLossIsFiniteAndAnImageWithoutBoxesHasNoBoxLoss() {
        for (String boxLoss : List.of("l1", "smooth-l1", "giou")) {
            RetinaNetHead head = Heads.create(CLASSES, Heads.levels(3, 4, 8), Map.of("box-loss", boxLoss));
            try (NDManager m = NDManager.newBaseManager()) {
                Random random = new Random(9);
                float[] logits = new float[K * CLASSES];
                float[] deltas = new float[K * 4];
                for (int i = 0; i < deltas.length; i++) {
                    deltas[i] = (float) random.nextGaussian() * 20;
                }
                NDList raw = rawOutputs(m, new float[][] {logits, logits}, new float[][] {deltas, deltas});
                List<ImageTargets> targets = List.of(
                        new ImageTargets(m.create(gt, new Shape(2, 4)), m.create(new int[] {2, 0})),
                        new ImageTargets(m.zeros(new Shape(0, 4)), m.zeros(new Shape(0))));
                LossTerms both = head.loss(raw, targets, INPUT);
                assertThat(Float.isFinite(both.total().getFloat())).as(boxLoss).isTrue();
                assertThat(both.terms().get("box").getFloat()).as(boxLoss).isPositive();
                NDList second = new NDList(raw.stream().map(x -> x.get("1:")).toArray(NDArray[]::new));
                LossTerms empty = head.loss(second, targets.subList(1, 2), INPUT);
                assertThat(empty.terms().get("box").getFloat()).as(boxLoss).isZero();
                assertThat(empty.terms().get("cls").getFloat()).as(boxLoss).isPositive();
            }
        }
    }

    @Test
    void aFewSgdStepsOnOneImageReduceTheLoss() {
        RetinaNetHead head = Heads.create(CLASSES, Heads.levels(3, 4, 8), Map.of("num-convs", "2"));
        Shape p3 = new Shape(1, 8, 8, 8);
        Shape p4 = new Shape(1, 8, 4, 4);
        DefaultTrainingConfig config = new DefaultTrainingConfig(Loss.l2Loss())
                .optOptimizer(Optimizer.sgd().setLearningRateTracker(Tracker.fixed(0.2f)).build());
        try (Model model = Model.newInstance("retinanet-head")) {
            model.setBlock(head.block());
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(p3, p4);
                NDManager m = trainer.getManager();
                Random random = new Random(1);
                NDList features = new NDList(m.create(gaussian(random, (int) p3.size()), p3),
                        m.create(gaussian(random, (int) p4.size()), p4));
                List<ImageTargets> targets = List.of(new ImageTargets(m.create(new float[] {10, 12, 40, 30},
                        new Shape(1, 4)), m.create(new int[] {1})));
                // The paper's initialisation survives the trainer's own initialisation.
                assertThat(head.block().getParameters().get("02cls_logits_bias").getArray().toFloatArray())
                        .containsOnly((float) -Math.log(99));
                List<float[]> losses = new ArrayList<>();
                for (int step = 0; step < 10; step++) {
                    try (GradientCollector gc = trainer.newGradientCollector()) {
                        NDList raw = trainer.forward(features);
                        LossTerms terms = head.loss(raw, targets, INPUT);
                        NDArray total = terms.total();
                        losses.add(new float[] {terms.terms().get("cls").getFloat(),
                            terms.terms().get("box").getFloat(), total.getFloat()});
                        gc.backward(total);
                    }
                    trainer.step();
                }
                float[] first = losses.get(0);
                float[] last = losses.get(losses.size() - 1);
                assertThat(losses).allSatisfy(l -> assertThat(Float.isFinite(l[0] + l[1])).isTrue());
                assertThat(last[0]).as("cls").isLessThan(first[0]);
                assertThat(last[1]).as("box").isLessThan(first[1]);
                assertThat(last[2]).as("total").isLessThan(0.85f * first[2]);
            }
        }
    }

    @Test
    void rejectsOutputsOfAnotherShapeAndLabelsOutOfRange() {
        RetinaNetHead head = Heads.create(CLASSES, Heads.levels(3, 4, 8), Map.of());
        try (NDManager m = NDManager.newBaseManager()) {
            NDList raw = rawOutputs(m, new float[][] {new float[K * CLASSES]}, new float[][] {new float[K * 4]});
            List<ImageTargets> bad = List.of(new ImageTargets(m.create(gt, new Shape(2, 4)), m.create(new int[] {3, 0})));
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> head.loss(raw, bad, INPUT))
                    .hasMessageContaining("[0, 3)");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> head.loss(raw, bad, new Shape(96, 64)))
                    .hasMessageContaining("p3").hasMessageContaining("12 x 8");
            // A whole batch shape (N, C, H, W) is read as its (H, W).
            List<ImageTargets> ok = List.of(new ImageTargets(m.create(gt, new Shape(2, 4)), m.create(new int[] {1, 0})));
            assertThat(head.loss(raw, ok, new Shape(1, 3, 64, 64)).total().getFloat())
                    .isEqualTo(head.loss(raw, ok, INPUT).total().getFloat());
        }
    }

    /** Per-level raw outputs for images given as flat {@code K x C} logits and {@code K x 4} deltas. */
    private static NDList rawOutputs(NDManager m, float[][] logits, float[][] deltas) {
        int n = logits.length;
        NDArray cls = NDArrays.stack(new NDList(java.util.Arrays.stream(logits)
                .map(l -> m.create(l, new Shape(K, CLASSES))).toArray(NDArray[]::new)));
        NDArray box = NDArrays.stack(new NDList(java.util.Arrays.stream(deltas)
                .map(d -> m.create(d, new Shape(K, 4))).toArray(NDArray[]::new)));
        assertThat(cls.getShape()).isEqualTo(new Shape(n, K, CLASSES));
        String split = ":, :" + ROWS[0];
        String rest = ":, " + ROWS[0] + ":";
        return new NDList(cls.get(split), cls.get(rest), box.get(split), box.get(rest));
    }

    private static float[] filled(int size, float value) {
        float[] a = new float[size];
        java.util.Arrays.fill(a, value);
        return a;
    }

    private static float[] gaussian(Random random, int size) {
        float[] a = new float[size];
        for (int i = 0; i < size; i++) {
            a[i] = (float) random.nextGaussian();
        }
        return a;
    }

    private static double focal(double x, double t) {
        double p = 1 / (1 + Math.exp(-x));
        double ce = -(t * Math.log(p) + (1 - t) * Math.log(1 - p));
        double pt = p * t + (1 - p) * (1 - t);
        return (0.25 * t + 0.75 * (1 - t)) * ce * Math.pow(1 - pt, 2);
    }

    private static double[] encode(float[] boxes, int g, float[] anchors, int k) {
        double aw = anchors[4 * k + 2] - anchors[4 * k];
        double ah = anchors[4 * k + 3] - anchors[4 * k + 1];
        double bw = boxes[4 * g + 2] - boxes[4 * g];
        double bh = boxes[4 * g + 3] - boxes[4 * g + 1];
        return new double[] {
            (boxes[4 * g] + bw / 2 - anchors[4 * k] - aw / 2) / aw,
            (boxes[4 * g + 1] + bh / 2 - anchors[4 * k + 1] - ah / 2) / ah,
            Math.log(bw / aw), Math.log(bh / ah)};
    }
}
