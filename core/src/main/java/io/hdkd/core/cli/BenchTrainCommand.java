package io.hdkd.core.cli;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import io.hdkd.api.ImageTargets;
import io.hdkd.core.config.ComponentSlot;
import io.hdkd.core.config.ResolvedConfig;
import io.hdkd.core.model.DetectorBlock;
import io.hdkd.core.pipeline.DetectorBuilder;
import io.hdkd.core.pipeline.TrainSection;
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

    @Mixin
    StepBenchArgs step;

    @Override
    public Integer call() {
        String problem = step.problem(64);
        if (problem != null || model.classes < 1) {
            throw new ParameterException(spec.commandLine(), problem != null ? problem : "--classes must be >= 1");
        }
        ResolvedConfig resolved = model.resolve(spec);
        PrintWriter out = spec.commandLine().getOut();
        step.withThreads(() -> {
            // train.device, as hdkd train: the CPU on a CPU-only libtorch, else as --set train.device says (GPU.md)
            Device device = TrainSection.device(resolved.section(TrainSection.SECTION.prefix()));
            try (NDManager manager = NDManager.newBaseManager(device)) {
                DetectorBlock detector = DetectorBuilder.build(resolved, model.classes, step.size, device, manager);
                List<Parameter> params = Trainer.trainableParameters(detector);
                Sgd sgd = new Sgd(0.9f, 1e-4f, manager);
                Engine.getInstance().setRandomSeed(1);
                NDArray images = manager.randomNormal(new Shape(step.batch, 3, step.size, step.size));
                List<ImageTargets> targets = twoBoxesPerImage(manager, step.batch, step.size, model.classes,
                        new Random(1));
                Shape inputShape = new Shape(step.size, step.size);
                ParameterStore ps = new ParameterStore(manager, false);
                out.println(resolved.component(ComponentSlot.BACKBONE).orElseThrow().type() + " + "
                        + resolved.component(ComponentSlot.HEAD).orElseThrow().type() + ": "
                        + ParameterSummary.of(detector));
                out.println(String.format(Locale.ROOT, "input %d x 3 x %d x %d, 2 boxes per image, threads %d, "
                        + "warmup %d, steps %d, device %s", step.batch, step.size, step.size, JniUtils.getNumThreads(),
                        step.warmup, step.steps, device));
                out.flush();
                step.timer().run(manager, sub -> {
                    // Lend the batch to the step's manager, as the trainer's batch has its own: the forward's results
                    // join their first input's manager, so they then go with the step, not with the benchmark.
                    images.tempAttach(sub);
                    for (ImageTargets t : targets) {
                        t.boxes().tempAttach(sub);
                        t.labels().tempAttach(sub);
                    }
                    NDList raw = detector.forward(ps, new NDList(images), true);
                    raw.attach(sub);
                    NDArray loss = detector.head().loss(raw, targets, inputShape).total();
                    loss.attach(sub);
                    return loss;
                }, () -> sgd.step(params, step.lr), out);
            }
        });
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
