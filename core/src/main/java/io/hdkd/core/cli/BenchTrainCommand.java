package io.hdkd.core.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import io.hdkd.api.ImageTargets;
import io.hdkd.api.LossTerms;
import io.hdkd.core.bench.BenchReport;
import io.hdkd.core.config.ComponentSlot;
import io.hdkd.core.config.ResolvedConfig;
import io.hdkd.core.model.DetectorBlock;
import io.hdkd.core.pipeline.DetectorBuilder;
import io.hdkd.core.train.Trainer;
import io.hdkd.core.train.optim.Sgd;
import io.hdkd.core.weights.ParameterSummary;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code hdkd bench train}: the full training step of a detector (forward with the head's loss, backward, SGD update
 * with the trainer's optimizer) on a fixed seeded batch of random images with two boxes each. The default detector is
 * RetinaNet ResNet50-FPN with 91 classes, as torchvision's {@code retinanet_resnet50_fpn};
 * scripts/bench/torch_retinanet_step.py runs the same step in PyTorch eager for comparison.
 */
@Command(name = "train", mixinStandardHelpOptions = true,
        description = {"Time the training step (forward + loss, backward, SGD update) of a detector on a random batch",
            "with two boxes per image. Default: RetinaNet ResNet50-FPN, 91 classes; change it with --config/--set."})
public final class BenchTrainCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    Verbosity verbosity;

    @Mixin
    DetectorArgs model;

    @Option(names = "--size", defaultValue = "512", description = "Square input side (default ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--batch", defaultValue = "2", description = "Images per step (default ${DEFAULT-VALUE}).")
    int batch;

    @Option(names = "--steps", defaultValue = "10", description = "Timed steps (default ${DEFAULT-VALUE}).")
    int steps;

    @Option(names = "--warmup", defaultValue = "2", description = "Untimed steps first (default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--threads", paramLabel = "T",
            description = "PyTorch intra-op threads (default: the engine's, ai.djl.pytorch.num_threads).")
    Integer threads;

    @Option(names = "--lr", defaultValue = "0.01", description = "SGD learning rate (default ${DEFAULT-VALUE}).")
    float lr;

    @Override
    public Integer call() {
        if (size < 64 || batch < 1 || steps < 1 || warmup < 0 || model.classes < 1 || (threads != null && threads < 1)) {
            throw new ParameterException(spec.commandLine(),
                    "--size must be >= 64; --batch, --steps, --classes and --threads >= 1; --warmup >= 0");
        }
        ResolvedConfig resolved = model.resolve(spec);
        int previousThreads = JniUtils.getNumThreads();
        if (threads != null) {
            JniUtils.setNumThreads(threads);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (NDManager manager = NDManager.newBaseManager(Device.cpu())) {
            DetectorBlock detector = DetectorBuilder.build(resolved, model.classes, size, Device.cpu(), manager);
            List<Parameter> params = Trainer.trainableParameters(detector);
            Sgd sgd = new Sgd(0.9f, 1e-4f, manager);
            Engine.getInstance().setRandomSeed(1);
            NDArray images = manager.randomNormal(new Shape(batch, 3, size, size));
            List<ImageTargets> targets = twoBoxesPerImage(manager, batch, size, model.classes, new Random(1));
            Shape inputShape = new Shape(size, size);
            ParameterStore ps = new ParameterStore(manager, false);
            out.println(resolved.component(ComponentSlot.BACKBONE).orElseThrow().type() + " + "
                    + resolved.component(ComponentSlot.HEAD).orElseThrow().type() + ": "
                    + ParameterSummary.of(detector));
            out.println(String.format(Locale.ROOT, "input %d x 3 x %d x %d, 2 boxes per image, threads %d, warmup %d,"
                    + " steps %d", batch, size, size, JniUtils.getNumThreads(), warmup, steps));
            out.flush();
            double[] forward = new double[steps];
            double[] backward = new double[steps];
            double[] update = new double[steps];
            double[] total = new double[steps];
            double lastLoss = Double.NaN;
            for (int i = -warmup; i < steps; i++) {
                try (NDManager step = manager.newSubManager()) {
                    long t0 = System.nanoTime();
                    long t1;
                    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                        NDList raw = detector.forward(ps, new NDList(images), true);
                        LossTerms terms = detector.head().loss(raw, targets, inputShape);
                        NDArray loss = terms.total();
                        loss.attach(step);
                        raw.attach(step);
                        lastLoss = loss.toType(DataType.FLOAT64, false).getDouble();
                        t1 = System.nanoTime();
                        collector.backward(loss);
                    }
                    long t2 = System.nanoTime();
                    sgd.step(params, lr);
                    long t3 = System.nanoTime();
                    if (i >= 0) {
                        forward[i] = (t1 - t0) / 1e6;
                        backward[i] = (t2 - t1) / 1e6;
                        update[i] = (t3 - t2) / 1e6;
                        total[i] = (t3 - t0) / 1e6;
                    }
                }
                if (i == -warmup && !Double.isFinite(lastLoss)) {
                    throw new IllegalStateException("the first step's loss is " + lastLoss);
                }
            }
            out.println(String.format(Locale.ROOT, "last_loss %.6f", lastLoss));
            out.println(String.format(Locale.ROOT, "median_forward_ms %.2f", BenchReport.median(forward)));
            out.println(String.format(Locale.ROOT, "median_backward_ms %.2f", BenchReport.median(backward)));
            out.println(String.format(Locale.ROOT, "median_update_ms %.2f", BenchReport.median(update)));
            double median = BenchReport.median(total);
            BenchReport.print(out, median, batch / (median / 1000));
        } finally {
            // The setting is process-wide: leave the engine as it was for whoever runs next in this JVM.
            JniUtils.setNumThreads(previousThreads);
        }
        return ExitCodes.OK;
    }

    /**
     * Two boxes per image, between a sixth and a half of the side, at seeded positions, with seeded labels: what the
     * PyTorch script feeds torchvision too, so both heads match about the same number of anchors.
     */
    static List<ImageTargets> twoBoxesPerImage(NDManager manager, int batch, int size, int classes, Random random) {
        List<ImageTargets> targets = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
            float[] boxes = new float[8];
            int[] labels = new int[2];
            for (int b = 0; b < 2; b++) {
                float w = size * (1 / 6f + random.nextFloat() / 3f);
                float h = size * (1 / 6f + random.nextFloat() / 3f);
                float x = random.nextFloat() * (size - w);
                float y = random.nextFloat() * (size - h);
                boxes[4 * b] = x;
                boxes[4 * b + 1] = y;
                boxes[4 * b + 2] = x + w;
                boxes[4 * b + 3] = y + h;
                labels[b] = random.nextInt(classes);
            }
            targets.add(new ImageTargets(manager.create(boxes, new Shape(2, 4)), manager.create(labels)));
        }
        return targets;
    }
}
