package io.hdkd.core.cli;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.hdkd.api.ImageMeta;
import io.hdkd.core.bench.BenchReport;
import io.hdkd.core.data.loader.LoaderConfig;
import io.hdkd.core.model.DetectorBlock;
import io.hdkd.core.pipeline.DetectorBuilder;
import io.hdkd.core.pipeline.SavedModel;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
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
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = {"Time inference (forward + decode) on synthetic inputs: of a run's trained model (--run), or of",
            "an untrained detector (--config/--set, default RetinaNet R50-FPN; add",
            "--set model.head.score-threshold=0 to time the worst-case decoding)."})
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

    @Override
    public Integer call() {
        if (images < 1 || (size != null && size < 1) || (batchSize != null && batchSize < 1)) {
            throw new ParameterException(spec.commandLine(), "--images, --size and --batch must be >= 1");
        }
        if (run != null && model.given()) {
            throw new ParameterException(spec.commandLine(), "--run and --config/--set contradict each other: a run "
                    + "brings its own model");
        }
        PrintWriter out = spec.commandLine().getOut();
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
            ParameterStore ps = new ParameterStore(manager, false);
            List<ImageMeta> metas = new ArrayList<>(batch);
            for (int i = 0; i < batch; i++) {
                metas.add(new ImageMeta(i + 1, side, side, 1f, 1f));
            }
            Shape input = new Shape(side, side);
            step(detector, ps, manager, batch, side, metas, input); // warm-up
            double[] millis = new double[steps];
            int detections = 0;
            for (int s = 0; s < steps; s++) {
                long t0 = System.nanoTime();
                detections += step(detector, ps, manager, batch, side, metas, input);
                millis[s] = (System.nanoTime() - t0) / 1e6;
            }
            out.println("detections " + detections);
            double median = BenchReport.median(millis);
            BenchReport.print(out, median, batch / (median / 1000));
        }
        return ExitCodes.OK;
    }

    private static int step(DetectorBlock detector, ParameterStore ps, NDManager manager, int batch, int side,
            List<ImageMeta> metas, Shape input) {
        try (NDManager step = manager.newSubManager()) {
            NDArray x = step.randomNormal(new Shape(batch, 3, side, side));
            NDList raw = detector.forward(ps, new NDList(x), false);
            int n = 0;
            for (var perImage : detector.head().decode(raw, metas, input)) {
                n += perImage.size();
            }
            return n;
        }
    }
}
