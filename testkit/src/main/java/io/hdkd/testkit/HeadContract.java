package io.hdkd.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.hdkd.api.Detection;
import io.hdkd.api.DetectorHead;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.HeadFactory;
import io.hdkd.api.HeadOutput;
import io.hdkd.api.ImageMeta;
import io.hdkd.api.ImageTargets;
import io.hdkd.api.LossTerms;
import io.hdkd.api.OutputKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The contract of a {@link DetectorHead}: a plugin's test extends this class and implements {@link #factory()} and
 * {@link #perfectOutputs}.
 *
 * <p>Why {@code perfectOutputs} is the author's: "perfect outputs" are the inverse of the head's decoding (its
 * target encoding with confident scores), which only the head knows; training a few steps until the boxes come back
 * would be slow and would test the optimiser more than the head. Most heads already have the encoder (their loss
 * uses it), so the method is a few lines.
 *
 * <p>Checked: outputs come in the declared order with the documented shapes; perfect outputs decode back to the
 * targets in original image pixels; the loss is a set of finite scalars, lower at perfect outputs than at perfect
 * outputs with every box in the wrong class, and falls over a few SGD steps on one fixed batch; a head that accepts soft targets treats score
 * 1 as ground truth; forward, loss and decode leave no arrays in the long-lived manager the block was initialised
 * in.
 */
public abstract class HeadContract extends ComponentContract<HeadFactory> {

    @Override
    protected String slotPrefix() {
        return "model.head.";
    }

    /**
     * Raw outputs for one batch that decode exactly to {@code targets}, in the order and shapes of the head's
     * {@link DetectorHead#outputs()}: typically the head's target encoding with confident class scores (large
     * logits) at the positives and low ones elsewhere.
     */
    protected abstract NDList perfectOutputs(DetectorHead head, NDManager manager, List<ImageTargets> targets,
            Shape inputShape);

    protected int numClasses() {
        return 3;
    }

    /** The levels the head consumes: p3-p5 (strides 8-32) with 16 channels by default. */
    protected List<FeatureLevel> inputLevels() {
        return List.of(new FeatureLevel("p3", 8, 16), new FeatureLevel("p4", 16, 16), new FeatureLevel("p5", 32, 16));
    }

    /** The padded network input's (H, W). */
    protected Shape inputShape() {
        return new Shape(64, 64);
    }

    /** Ground truth per image in input pixels; two images by default ({@link Tensors#defaultTargets}). */
    protected List<ImageTargets> targets(NDManager manager) {
        return Tensors.defaultTargets(manager, numClasses());
    }

    /** The IoU a decoded box must reach with its target (in original pixels). */
    protected double decodeIou() {
        return 0.8;
    }

    /** SGD steps of {@link #lossFallsOverAFewSgdStepsOnAFixedBatch}, and their learning rate. */
    protected int trainingSteps() {
        return 8;
    }

    protected float learningRate() {
        return 0.05f;
    }

    /** The head as the host creates it, with {@link #inputLevels()} and {@link #numClasses()}. */
    protected final DetectorHead createHead() {
        return factory().create(validatedOptions(), baseContext(numClasses()).withInputLevels(inputLevels()));
    }

    private NDList forward(DetectorHead head, NDManager manager, int batch, boolean training) {
        NDList features = Tensors.features(manager, inputLevels(), batch, inputShape(), seed());
        return head.block().forward(new ParameterStore(manager, false), features, training);
    }

    private DetectorHead initialisedHead(NDManager manager) {
        DetectorHead head = createHead();
        Engine.getInstance().setRandomSeed((int) seed());
        Shape[] shapes = new Shape[inputLevels().size()];
        for (int i = 0; i < shapes.length; i++) {
            FeatureLevel l = inputLevels().get(i);
            Shape hw = Tensors.levelSize(inputShape(), l.stride());
            shapes[i] = new Shape(1, l.channels(), hw.get(0), hw.get(1));
        }
        head.block().initialize(manager, DataType.FLOAT32, shapes);
        return head;
    }

    @Test
    void outputsComeInTheDeclaredOrderWithTheDocumentedShapes() {
        try (NDManager manager = NDManager.newBaseManager()) {
            DetectorHead head = initialisedHead(manager);
            List<HeadOutput> declared = head.outputs();
            assertFalse(declared.isEmpty(), "outputs() is empty");
            assertFalse(head.type() == null || head.type().isBlank(), "type() is blank");
            NDList raw = forward(head, manager, 2, false);
            assertEquals(declared.size(), raw.size(), "the block returns one array per declared output");
            NDList perfect = perfectOutputs(head, manager, targets(manager), inputShape());
            assertEquals(declared.size(), perfect.size(), "perfectOutputs gives one array per declared output");
            for (int i = 0; i < declared.size(); i++) {
                HeadOutput o = declared.get(i);
                Shape s = raw.get(i).getShape();
                assertEquals(2, s.get(0), "output " + o.name() + " " + s + ": the batch comes first");
                assertTrue(Tensors.allFinite(raw.get(i)), "output " + o.name() + " has non-finite values");
                assertEquals(s, perfect.get(i).getShape(),
                        "perfectOutputs' " + o.name() + " has another shape than the block's");
                if (o.kind() == OutputKind.CLASS_LOGITS_SIGMOID) {
                    assertEquals(numClasses(), s.get(s.dimension() - 1),
                            "sigmoid class logits " + o.name() + " " + s + " are N x A x C");
                }
                if (o.kind() == OutputKind.HEATMAP) {
                    assertEquals(numClasses(), s.get(1), "heatmap " + o.name() + " " + s + " is N x C x H x W");
                    if (o.stride() > 0) {
                        Shape hw = Tensors.levelSize(inputShape(), o.stride());
                        assertEquals(hw, new Shape(s.get(2), s.get(3)),
                                "heatmap " + o.name() + " of stride " + o.stride() + " has the level's H x W");
                    }
                }
            }
        }
    }

    @Test
    void perfectOutputsDecodeBackToTheTargetsInOriginalPixels() {
        try (NDManager manager = NDManager.newBaseManager()) {
            DetectorHead head = initialisedHead(manager);
            List<ImageTargets> targets = targets(manager);
            NDList perfect = perfectOutputs(head, manager, targets, inputShape());
            // Originals twice the input in x and 4/3 in y: decoding must undo the resize.
            float sx = 0.5f;
            float sy = 0.75f;
            List<ImageMeta> metas = new ArrayList<>();
            for (int i = 0; i < targets.size(); i++) {
                metas.add(new ImageMeta(i + 1, Math.round(inputShape().get(1) / sx),
                        Math.round(inputShape().get(0) / sy), sx, sy));
            }
            List<List<Detection>> found = head.decode(perfect, metas, inputShape());
            assertEquals(targets.size(), found.size(), "decode gives one list per image");
            for (int i = 0; i < targets.size(); i++) {
                float[] boxes = targets.get(i).boxes().toFloatArray();
                int[] labels = targets.get(i).labels().toType(DataType.INT32, false).toIntArray();
                for (int b = 0; b < labels.length; b++) {
                    float[] want = {boxes[4 * b] / sx, boxes[4 * b + 1] / sy, boxes[4 * b + 2] / sx,
                        boxes[4 * b + 3] / sy};
                    double best = 0;
                    for (Detection d : found.get(i)) {
                        if (d.label() == labels[b]) {
                            best = Math.max(best, iou(want, new float[] {d.x1(), d.y1(), d.x2(), d.y2()}));
                        }
                    }
                    if (best < decodeIou()) {
                        fail("image " + i + ": target " + java.util.Arrays.toString(want) + " of class " + labels[b]
                                + " (original pixels) is not among the decoded detections (best IoU " + best + "): "
                                + found.get(i));
                    }
                }
            }
        }
    }

    @Test
    void theLossIsFiniteScalarsAndPrefersTheRightAnswer() {
        try (NDManager manager = NDManager.newBaseManager()) {
            DetectorHead head = initialisedHead(manager);
            List<ImageTargets> targets = targets(manager);
            // The same boxes with every label moved to the next class: perfect outputs for these are wrong answers.
            List<ImageTargets> wrongLabels = new ArrayList<>();
            for (ImageTargets t : targets) {
                NDArray next = t.labels().toType(DataType.INT32, false).add(1).mod(numClasses())
                        .toType(DataType.INT32, false);
                wrongLabels.add(new ImageTargets(t.boxes(), next));
            }
            LossTerms untrained = head.loss(forward(head, manager, targets.size(), true), targets, inputShape());
            LossTerms right = head.loss(perfectOutputs(head, manager, targets, inputShape()), targets, inputShape());
            LossTerms wrong = head.loss(perfectOutputs(head, manager, wrongLabels, inputShape()), targets,
                    inputShape());
            for (LossTerms terms : List.of(untrained, right, wrong)) {
                for (Map.Entry<String, NDArray> t : terms.terms().entrySet()) {
                    assertEquals(0, t.getValue().getShape().dimension(),
                            "loss term " + t.getKey() + " is a 0-d scalar, not " + t.getValue().getShape());
                    assertTrue(Tensors.allFinite(t.getValue()), "loss term " + t.getKey() + " is not finite");
                }
            }
            float r = right.total().getFloat();
            float w = wrong.total().getFloat();
            assertTrue(r < w, "the loss at perfect outputs (" + r + ") is not below the loss at outputs that give"
                    + " every box the wrong class (" + w + ")");
        }
    }

    @Test
    void softTargetsOfScoreOneAreGroundTruth() {
        try (NDManager manager = NDManager.newBaseManager()) {
            DetectorHead head = initialisedHead(manager);
            if (!head.acceptsSoftTargets()) {
                return; // the host gives this head hard pseudo-labels: nothing to check
            }
            List<ImageTargets> hard = targets(manager);
            List<ImageTargets> soft = new ArrayList<>();
            for (ImageTargets t : hard) {
                soft.add(new ImageTargets(t.boxes(), t.labels(), manager.ones(new Shape(t.labels().size()))));
            }
            NDList raw = forward(head, manager, hard.size(), true);
            float a = head.loss(raw, hard, inputShape()).total().getFloat();
            float b = head.loss(raw, soft, inputShape()).total().getFloat();
            assertEquals(a, b, 1e-4f * Math.max(1f, Math.abs(a)), "loss with scores of 1 differs from ground truth");
        }
    }

    @Test
    void lossFallsOverAFewSgdStepsOnAFixedBatch() {
        try (NDManager manager = NDManager.newBaseManager()) {
            DetectorHead head = initialisedHead(manager);
            ParameterStore store = new ParameterStore(manager, false);
            List<Float> losses = new ArrayList<>();
            for (int step = 0; step < trainingSteps(); step++) {
                // Plain SGD by hand: DJL's Trainer zeroes gradients by walking every array of the engine, which
                // costs more than these tiny steps.
                try (NDManager stepManager = manager.newSubManager();
                        GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                    List<ImageTargets> targets = targets(stepManager);
                    NDList features = Tensors.features(stepManager, inputLevels(), targets.size(), inputShape(),
                            seed());
                    NDArray total = head.loss(head.block().forward(store, features, true), targets, inputShape())
                            .total();
                    losses.add(total.getFloat());
                    gc.backward(total);
                }
                Sgd.step(head.block(), learningRate());
            }
            assertTrue(losses.stream().allMatch(Float::isFinite), "a step's loss is not finite: " + losses);
            assertTrue(losses.get(losses.size() - 1) < losses.get(0),
                    "the loss did not fall over " + trainingSteps() + " SGD steps (lr " + learningRate() + "): "
                            + losses);
        }
    }

    @Test
    void forwardLossAndDecodeLeaveNothingInTheModelsManager() {
        try (NDManager kept = NDManager.newBaseManager()) {
            DetectorHead head = initialisedHead(kept);
            List<ImageMeta> metas = List.of(new ImageMeta(1, 64, 64, 1, 1), new ImageMeta(2, 64, 64, 1, 1));
            java.util.function.Consumer<NDManager> step = m -> {
                List<ImageTargets> targets = targets(m);
                NDList features = Tensors.features(m, inputLevels(), targets.size(), inputShape(), seed());
                NDList raw = head.block().forward(new ParameterStore(m, false), features, false);
                head.loss(raw, targets, inputShape()).total().getFloat();
                head.decode(raw, metas.subList(0, targets.size()), inputShape());
            };
            // One call first: a head may cache (e.g. anchors) once; what counts is that it does not grow per step.
            try (NDManager warm = kept.newSubManager()) {
                step.accept(warm);
            }
            assertNoGrowth(kept, "a step of the head (forward, loss, decode)", step);
            assertNoGrowth(kept, "a second step of the head", step);
        }
    }

    // HOOK(export): once io.hdkd.api.export is on this branch, a test here exports the head's block to ONNX where
    // the head offers an exporter, runs the model with ONNX Runtime and compares its outputs with the block's
    // (parity within 1e-4). Not written yet: the export api is another change (docs/SPI.md, SPI 2 "Export").

    static double iou(float[] a, float[] b) {
        double iw = Math.max(0, Math.min(a[2], b[2]) - Math.max(a[0], b[0]));
        double ih = Math.max(0, Math.min(a[3], b[3]) - Math.max(a[1], b[1]));
        double inter = iw * ih;
        double union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter;
        return union <= 0 ? 0 : inter / union;
    }
}
