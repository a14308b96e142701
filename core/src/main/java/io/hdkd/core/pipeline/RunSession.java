package io.hdkd.core.pipeline;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import com.google.gson.JsonObject;
import io.hdkd.api.InvalidInputException;
import io.hdkd.api.Options;
import io.hdkd.core.config.ConfigFiles;
import io.hdkd.core.config.ResolvedConfig;
import io.hdkd.core.data.augment.AugmentConfig;
import io.hdkd.core.data.loader.DetectionLoader;
import io.hdkd.core.data.loader.LoaderConfig;
import io.hdkd.core.eval.CocoResults;
import io.hdkd.core.io.AtomicFiles;
import io.hdkd.core.io.Directories;
import io.hdkd.core.model.DetectorBlock;
import io.hdkd.core.report.MetricsLog;
import io.hdkd.core.report.TrainingReport;
import io.hdkd.core.train.Trainer;
import io.hdkd.core.train.TrainingData;
import io.hdkd.core.train.TrainingListener;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What every run that trains a detector shares, {@code hdkd train} and {@code hdkd distill} alike: the run folder
 * contract (see {@link TrainingRun}), the device, the data and its loader, and the trainer around a step function,
 * with metrics, progress, checkpoints, resume and the NaN guard, up to the saved model and the report. The runs differ
 * only in what they build and what one step computes.
 */
final class RunSession implements AutoCloseable {

    static final String CONFIG = "config.properties";

    private final ResolvedConfig config;
    private final Path runDir;
    private final Options trainOptions;
    private final Device device;
    private final DatasetSection.Splits data;
    private final LoaderConfig loaderConfig;
    private final NDManager manager;
    private final DetectionLoader loader;
    private boolean closed;

    private RunSession(ResolvedConfig config, Path runDir) {
        this.config = config;
        this.runDir = runDir;
        long seed = config.seed();
        this.trainOptions = config.section(TrainSection.SECTION.prefix());
        this.device = TrainSection.device(trainOptions);
        this.data = DatasetSection.load(config.section(DatasetSection.SECTION.prefix()), runDir, seed);
        LoaderConfig lc = LoaderConfig.fromOptions(config.section(LoaderConfig.SECTION));
        this.loaderConfig = lc.withSeed(Pipelines.loaderSeed(seed, lc.seed()));
        AugmentConfig augment = AugmentConfig.fromOptions(config.section(AugmentConfig.SECTION));
        this.manager = NDManager.newBaseManager(device);
        this.loader = new DetectionLoader(data.train(), augment, loaderConfig);
    }

    /** Prepares the run folder (see {@link #prepareRunDir}), then reads (or generates) the data. */
    static RunSession open(ResolvedConfig config, Path runDir, boolean resume, boolean force) {
        prepareRunDir(runDir, config, resume, force);
        return new RunSession(config, runDir);
    }

    /**
     * Prepares the run folder: a new run needs it absent or empty (or {@code force}); a resumed run needs it to hold
     * this same configuration.
     */
    static void prepareRunDir(Path runDir, ResolvedConfig config, boolean resume, boolean force) {
        Path stored = runDir.resolve(CONFIG);
        if (resume) {
            if (!Files.isRegularFile(stored)) {
                throw new InvalidInputException("--resume: " + runDir + " holds no run (no " + CONFIG + ")");
            }
            Map<String, String> before = ConfigFiles.read(stored);
            for (Map.Entry<String, String> e : config.asMap().entrySet()) {
                // A key the stored configuration lacks came with a newer hdkd (e.g. teacher.*): the run used its
                // default, which is what a bare --resume resolves it to.
                if (before.containsKey(e.getKey()) && !e.getValue().equals(before.get(e.getKey()))) {
                    throw new InvalidInputException("--resume: " + e.getKey() + " is '" + e.getValue() + "' but the run in "
                            + runDir + " was started with '" + before.get(e.getKey())
                            + "'; resume with the run's own configuration");
                }
            }
            return;
        }
        Directories.clearOrRefuse(runDir, force, "--resume to continue its run or --force to start over");
        AtomicFiles.writeString(stored, config.toProperties());
    }

    Device device() {
        return device;
    }

    NDManager manager() {
        return manager;
    }

    DatasetSection.Splits data() {
        return data;
    }

    LoaderConfig loaderConfig() {
        return loaderConfig;
    }

    /** The configured detector ({@code model.*}), initialised from the run's seed, for this run's classes. */
    /** The shapes of the feature maps {@code detector}'s head reads, for a batch of one at the loader's size. */
    ai.djl.ndarray.types.Shape[] featureShapes(DetectorBlock detector) {
        ai.djl.ndarray.types.Shape[] shapes = detector.backbone().block().getOutputShapes(
                new ai.djl.ndarray.types.Shape[] {new ai.djl.ndarray.types.Shape(1, 3, loaderConfig.size(),
                        loaderConfig.size())});
        return detector.neck() == null ? shapes : detector.neck().block().getOutputShapes(shapes);
    }

    DetectorBlock buildDetector() {
        return DetectorBuilder.build(config, data.train().numClasses(), loaderConfig.size(), device, manager);
    }

    /**
     * Trains {@code trained} with {@code step} (from its latest checkpoint with {@code resume}), evaluating
     * {@code detector} on the validation split; then saves {@code detector} alone as {@code RUN/model} with
     * {@code savedConfig} and writes the report.
     *
     * @param trained what the optimizer updates and the checkpoints hold: the detector, or the detector with more
     * @param label the progress bar's label, e.g. {@code train}
     */
    TrainingRun.Outcome train(Block trained, DetectorBlock detector, Trainer.StepFunction step, ResolvedConfig savedConfig,
            boolean resume, String label, PrintStream log) {
        Trainer.Evaluation evaluation = epoch -> {
            Evaluation.Result r = Evaluation.run(detector, data.val(), loaderConfig, manager, false);
            CocoResults.write(runDir.resolve("eval/detections_val.json"), r.detections());
            return r.metrics();
        };
        List<TrainingListener> listeners = List.of(new MetricsLog(runDir), new ProgressListener(label, log));
        Trainer trainer = new Trainer(trained, manager, step, TrainingData.of(loader),
                TrainSection.optimizer(trainOptions, manager),
                TrainSection.schedule(trainOptions, loader.batchesPerEpoch()),
                TrainSection.settings(trainOptions, config.toProperties()), runDir, evaluation, listeners);
        if (resume) {
            trainer.resume();
        } else {
            trainer.train();
        }
        SavedModel.save(runDir.resolve(SavedModel.DIR), detector, savedConfig, data.train().categories());
        List<JsonObject> evals = MetricsLog.read(runDir.resolve(MetricsLog.EVALS));
        Map<String, Double> last = new LinkedHashMap<>();
        if (!evals.isEmpty()) {
            evals.get(evals.size() - 1).entrySet().forEach(e -> last.put(e.getKey(), e.getValue().getAsDouble()));
        }
        Path report = TrainingReport.write(runDir, "hdkd " + label + ": " + runDir.getFileName());
        return new TrainingRun.Outcome(runDir, last, report);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            loader.close();
        } finally {
            manager.close();
        }
    }
}
