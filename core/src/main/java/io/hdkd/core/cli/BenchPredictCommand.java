package io.hdkd.core.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.hdkd.api.ImageMeta;
import io.hdkd.api.InvalidInputException;
import io.hdkd.core.bench.BenchReport;
import io.hdkd.core.bench.OperatorProfile;
import io.hdkd.core.export.OnnxDetector;
import io.hdkd.core.data.loader.LoaderConfig;
import io.hdkd.core.model.DetectorBlock;
import io.hdkd.core.pipeline.DetectorBuilder;
import io.hdkd.core.pipeline.SavedModel;
import io.hdkd.core.plugin.LoadedPlugins;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code hdkd bench predict}: inference speed (forward pass and decoding to detections, as eval and predict run them)
 * on seeded random inputs, without image decoding. Of a run's trained model ({@code --run RUN}, at the run's batch
 * size), or of an untrained detector described like {@code bench train} does ({@code --config/--set}, default
 * RetinaNet R50-FPN). An untrained RetinaNet scores every anchor near its prior (0.01), under the default score
 * threshold, so its decoding has nothing to do: set {@code model.head.score-threshold=0} to time the worst case
 * (top-k candidates on every level, then NMS), which is what the published figures use.
 *
 * <p>{@code --model FILE.onnx} times a model written by {@code hdkd export} on ONNX Runtime, step by step as
 * {@code eval --model} runs it ({@link OnnxDetector#detect(float[], long[], List, NDManager)}: a {@code --decode}
 * export decodes in the graph, a raw one's outputs are decoded by its head). With {@code --run} as well, the run's
 * model is timed first on the PyTorch engine at the same input size and batch, on the same seeded inputs, so the two
 * blocks compare the engines and their detection counts agree.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Time inference (forward + decode) on synthetic inputs: of a run's trained model (--run), or of",
            "an untrained detector (--config/--set, default RetinaNet R50-FPN; add",
            "--set model.head.score-threshold=0 to time the worst-case decoding); --model FILE.onnx times an",
            "export on ONNX Runtime, after the run's model (--run) on the same inputs."})
public final class BenchPredictCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    Verbosity verbosity;

    // A group so that --run, required within it, is optional here: null without --run.
    @ArgGroup(exclusive = false)
    ModelRunArgs run;

    @Mixin
    DetectorArgs model;

    @Option(names = "--model", paramLabel = "FILE", description = "A model written by hdkd export (.onnx), timed on ONNX"
            + " Runtime; with --run, after the run's model on the same inputs (input size and batch).")
    Path onnx;

    @Option(names = "--batch", paramLabel = "B",
            description = "Images per forward pass (default: the run's batch size; 2 without a run).")
    Integer batchSize;

    @Option(names = "--images", defaultValue = "64", description = "Images timed (default ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--size", paramLabel = "S",
            description = "Input side in pixels (default: the run's data.loader.size, padded to its size divisor).")
    Integer size;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--profile", paramLabel = "FILE", description = "Record libtorch's operator profile of the timed"
            + " steps of the PyTorch-engine model into FILE (Chrome trace JSON; scripts/bench/profile_summary.py sums"
            + " it per operator).")
    Path profile;

    @Override
    public Integer call() {
        if (images < 1 || (size != null && size < 1) || (batchSize != null && batchSize < 1)) {
            throw new ParameterException(spec.commandLine(), "--images, --size and --batch must be >= 1");
        }
        if ((run != null || onnx != null) && model.given()) {
            throw new ParameterException(spec.commandLine(), (run != null ? "--run" : "--model") + " and --config/--set"
                    + " contradict each other: a " + (run != null ? "run" : "model file") + " brings its own model");
        }
        PrintWriter out = spec.commandLine().getOut();
        if (onnx != null) {
            return withOnnx(out);
        }
        try (NDManager manager = NDManager.newBaseManager(Engine.getInstance().defaultDevice())) {
            DetectorBlock detector;
            int side;
            int batch;
            if (run != null) {
                SavedModel.Loaded loaded = run.load(spec, manager);
                LoaderConfig cfg = loaded.loaderConfig();
                int div = cfg.sizeDivisor();
                int requested = size != null ? size : cfg.size();
                side = (requested + div - 1) / div * div; // as the loader pads batches
                batch = Math.min(batchSize != null ? batchSize : cfg.batchSize(), images);
                detector = loaded.detector();
            } else {
                side = size != null ? size : 512;
                batch = Math.min(batchSize != null ? batchSize : 2, images);
                detector = DetectorBuilder.build(model.resolve(spec), model.classes, side,
                        manager.getDevice(), manager);
            }
            int steps = (images + batch - 1) / batch;
            out.println("input " + side + "x" + side);
            out.println("batch " + batch);
            out.flush();
            manager.getEngine().setRandomSeed((int) seed);
            timeDetector(out, detector, manager, side, batch, steps, null, profile);
        }
        return ExitCodes.OK;
    }

    /** {@code --model}: the file on ONNX Runtime, after the run's model on the same inputs when there is one. */
    private int withOnnx(PrintWriter out) {
        LoadedPlugins plugins = PluginHost.load(spec); // once, for the file's head and the run's model
        try (NDManager manager = NDManager.newBaseManager(Engine.getInstance().defaultDevice());
                OnnxDetector detector = new OnnxDetector(onnx, plugins.registry())) {
            int side;
            if (detector.fixedSize() > 0) {
                side = detector.fixedSize();
                if (size != null && size != side) {
                    throw new InvalidInputException("--size " + size + ": --model " + onnx + " takes " + side + "x"
                            + side + " inputs (exported with that size)");
                }
            } else if (size != null) {
                side = size;
            } else {
                throw new InvalidInputException("--model " + onnx + " takes any input size (a --dynamic export): "
                        + "name one with --size");
            }
            if (detector.decoded() && batchSize != null && batchSize != 1) {
                throw new InvalidInputException("--batch " + batchSize + ": --model " + onnx + " is a decoded export, "
                        + "which takes one image per run; time batches on a raw export");
            }
            // a decoded export takes one image per run (docs/EXPORT.md)
            int batch = detector.decoded() ? 1 : Math.min(batchSize != null ? batchSize : 1, images);
            int steps = (images + batch - 1) / batch;
            float[] input = new float[batch * 3 * side * side];
            SplittableRandom random = new SplittableRandom(seed);
            for (int i = 0; i < input.length; i++) {
                input[i] = (float) random.nextGaussian();
            }
            out.println("input " + side + "x" + side);
            out.println("batch " + batch);
            if (run != null) {
                out.println("model run (PyTorch engine)");
                out.flush();
                try (NDManager runScope = manager.newSubManager()) {
                    DetectorBlock runModel = run.load(spec, runScope, plugins).detector();
                    timeDetector(out, runModel, runScope, side, batch, steps, input, profile);
                }
            }
            out.println("model onnx (ONNX Runtime)");
            out.println("decoding " + (detector.decoded() ? "in the graph" : "by the head, as eval --model decodes"));
            out.flush();
            long[] shape = {batch, 3, side, side};
            List<ImageMeta> metas = metas(batch, side);
            onnxStep(detector, input, shape, metas, manager); // warm-up
            double[] millis = new double[steps];
            int detections = 0;
            for (int s = 0; s < steps; s++) {
                long t0 = System.nanoTime();
                detections += onnxStep(detector, input, shape, metas, manager);
                millis[s] = (System.nanoTime() - t0) / 1e6;
            }
            out.println("detections " + detections);
            double median = BenchReport.median(millis);
            BenchReport.print(out, median, batch / (median / 1000));
        }
        return ExitCodes.OK;
    }

    private static int onnxStep(OnnxDetector detector, float[] input, long[] shape, List<ImageMeta> metas,
            NDManager manager) {
        try (NDManager step = manager.newSubManager()) {
            int n = 0;
            for (var perImage : detector.detect(input, shape, metas, step)) {
                n += perImage.size();
            }
            return n;
        }
    }

    /**
     * Times {@code steps} forward passes and decodings of {@code detector} (after one warm-up) and prints the
     * detections and the report; inputs seeded random normal, or {@code input} (copied in at every step, as the ONNX
     * side copies it) where given.
     */
    private static void timeDetector(PrintWriter out, DetectorBlock detector, NDManager manager, int side, int batch,
            int steps, float[] input, Path profile) {
        ParameterStore ps = new ParameterStore(manager, false);
        List<ImageMeta> metas = metas(batch, side);
        Shape inputShape = new Shape(side, side);
        // Seeded random images, made once outside the timed steps (as the PyTorch peer makes its images); given
        // values are copied in at every step instead, as the ONNX side copies them.
        NDArray random = input == null ? manager.randomNormal(new Shape(batch, 3, side, side)) : null;
        step(detector, ps, manager, random, batch, side, metas, inputShape, input); // warm-up
        double[] millis = new double[steps];
        int detections = 0;
        OperatorProfile.start(profile);
        for (int s = 0; s < steps; s++) {
            long t0 = System.nanoTime();
            detections += step(detector, ps, manager, random, batch, side, metas, inputShape, input);
            millis[s] = (System.nanoTime() - t0) / 1e6;
        }
        OperatorProfile.stop(profile);
        out.println("detections " + detections);
        double median = BenchReport.median(millis);
        BenchReport.print(out, median, batch / (median / 1000));
    }

    /** Network-input-sized images at scale 1, so detections stay in input pixels. */
    private static List<ImageMeta> metas(int batch, int side) {
        List<ImageMeta> metas = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
            metas.add(new ImageMeta(i + 1, side, side, 1f, 1f));
        }
        return metas;
    }

    private static int step(DetectorBlock detector, ParameterStore ps, NDManager manager, NDArray random, int batch,
            int side, List<ImageMeta> metas, Shape input, float[] values) {
        try (NDManager step = manager.newSubManager()) {
            NDArray x;
            if (values == null) {
                // Lent to the step's manager: the forward's results join their first input's manager, so they go
                // with the step, not with the benchmark (docs/DJL.md, Memory of a training step).
                random.tempAttach(step);
                x = random;
            } else {
                x = step.create(values, new Shape(batch, 3, side, side));
            }
            NDList raw = detector.forward(ps, new NDList(x), false);
            int n = 0;
            for (var perImage : detector.head().decode(raw, metas, input)) {
                n += perImage.size();
            }
            return n;
        }
    }
}
