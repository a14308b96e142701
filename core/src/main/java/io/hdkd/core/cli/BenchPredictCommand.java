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
import io.hdkd.core.pipeline.SavedModel;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code hdkd bench predict --run RUN}: inference speed of a run's trained model (forward pass and decoding to
 * detections, as eval and predict run it) on seeded random inputs of the run's batch size, without image decoding.
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Time inference (forward + decode) of a run's trained model on synthetic inputs.")
public final class BenchPredictCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    Verbosity verbosity;

    @Option(names = "--run", required = true, paramLabel = "RUN", description = "A run folder written by hdkd train.")
    Path run;

    @Option(names = "--images", defaultValue = "64", description = "Images timed (default ${DEFAULT-VALUE}).")
    int images;

    @Option(names = "--size", paramLabel = "S",
            description = "Input side in pixels (default: the run's data.loader.size, padded to its size divisor).")
    Integer size;

    @Option(names = "--seed", defaultValue = "1", description = "Random seed (default ${DEFAULT-VALUE}).")
    long seed;

    @Override
    public Integer call() {
        if (images < 1 || (size != null && size < 1)) {
            throw new ParameterException(spec.commandLine(), "--images and --size must be >= 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        try (NDManager manager = NDManager.newBaseManager(Engine.getInstance().defaultDevice())) {
            SavedModel.Loaded model = RunModels.load(spec, run, manager);
            LoaderConfig cfg = model.loaderConfig();
            int div = cfg.sizeDivisor();
            int requested = size != null ? size : cfg.size();
            int side = (requested + div - 1) / div * div; // as the loader pads batches
            int batch = Math.min(cfg.batchSize(), images);
            int steps = (images + batch - 1) / batch;
            out.println("input " + side + "x" + side);
            out.println("batch " + batch);
            out.flush();
            manager.getEngine().setRandomSeed((int) seed);
            DetectorBlock detector = model.detector();
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
