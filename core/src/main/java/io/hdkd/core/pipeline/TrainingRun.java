package io.hdkd.core.pipeline;

import ai.djl.Device;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
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
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code hdkd train}: a detector trained from a configuration into a run folder.
 *
 * <pre>
 * RUN/config.properties   the resolved configuration (feed it back with --config to repeat the run)
 * RUN/data/               synthetic scenes, when dataset.synthetic is set
 * RUN/checkpoints/        model, optimizer, schedule position: what --resume continues from
 * RUN/metrics.jsonl       one line per step; RUN/eval.jsonl one line per evaluation
 * RUN/eval/detections_val.json  the last evaluation's detections, COCO results format
 * RUN/model/              the trained detector alone (what eval, predict and distillation load)
 * RUN/report.html         loss, learning rate and mAP curves
 * </pre>
 */
public final class TrainingRun {

    static final String CONFIG = "config.properties";

    /** What a finished run reports. */
    public record Outcome(Path runDir, Map<String, Double> finalMetrics, Path report) {}

    private TrainingRun() {}

    /**
     * Prepares the run folder: a new run needs it absent or empty (or {@code force}); a resumed run needs it to hold
     * this same configuration.
     */
    public static void prepareRunDir(Path runDir, ResolvedConfig config, boolean resume, boolean force) {
        Path stored = runDir.resolve(CONFIG);
        if (resume) {
            if (!Files.isRegularFile(stored)) {
                throw new InvalidInputException("--resume: " + runDir + " holds no run (no " + CONFIG + ")");
            }
            Map<String, String> before = ConfigFiles.read(stored);
            Map<String, String> now = config.asMap();
            for (Map.Entry<String, String> e : now.entrySet()) {
                if (!e.getValue().equals(before.get(e.getKey()))) {
                    throw new InvalidInputException("--resume: " + e.getKey() + " is '" + e.getValue() + "' but the run in "
                            + runDir + " was started with '" + before.get(e.getKey())
                            + "'; resume with the run's own configuration");
                }
            }
            return;
        }
        if (force) {
            try {
                Directories.deleteRecursively(runDir);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot clear " + runDir + ": " + e.getMessage(), e);
            }
        } else {
            try {
                AtomicFiles.checkWritable(runDir, false);
            } catch (InvalidInputException e) {
                throw new InvalidInputException(runDir + " exists; pass --resume to continue its run or --force to start"
                        + " over");
            }
        }
        AtomicFiles.writeString(stored, config.toProperties());
    }

    /**
     * Trains. With {@code resume}, continues from the run's latest checkpoint.
     *
     * @param log where the progress bar and evaluation lines go
     */
    public static Outcome train(ResolvedConfig config, Path runDir, boolean resume, boolean force, PrintStream log) {
        prepareRunDir(runDir, config, resume, force);
        long seed = config.seed();
        Options trainOptions = config.section(TrainSection.SECTION.prefix());
        Device device = TrainSection.device(trainOptions);
        DatasetSection.Splits data = DatasetSection.load(config.section(DatasetSection.SECTION.prefix()), runDir, seed);
        LoaderConfig loaderConfig = LoaderConfig.fromOptions(config.section(LoaderConfig.SECTION));
        loaderConfig = loaderConfig.withSeed(Pipelines.loaderSeed(seed, loaderConfig.seed()));
        AugmentConfig augment = AugmentConfig.fromOptions(config.section(AugmentConfig.SECTION));
        try (NDManager manager = NDManager.newBaseManager(device);
                DetectionLoader loader = new DetectionLoader(data.train(), augment, loaderConfig)) {
            DetectorBlock detector = DetectorBuilder.build(config, data.train().numClasses(), loaderConfig.size(), device,
                    manager);
            LoaderConfig evalConfig = loaderConfig;
            Trainer.Evaluation evaluation = epoch -> {
                Evaluation.Result r = Evaluation.run(detector, data.val(), evalConfig, manager, false);
                CocoResults.write(runDir.resolve("eval/detections_val.json"), r.detections());
                return r.metrics();
            };
            List<TrainingListener> listeners = new ArrayList<>();
            listeners.add(new MetricsLog(runDir));
            listeners.add(new ProgressListener("train", log));
            Trainer.StepFunction step = (ps, batch) -> {
                NDList raw = detector.forward(ps, new NDList(batch.images()), true);
                Shape input = new Shape(batch.images().getShape().get(2), batch.images().getShape().get(3));
                return detector.head().loss(raw, batch.targets(), input);
            };
            Trainer trainer = new Trainer(detector, manager, step, TrainingData.of(loader),
                    TrainSection.optimizer(trainOptions, manager),
                    TrainSection.schedule(trainOptions, loader.batchesPerEpoch()),
                    TrainSection.settings(trainOptions, config.toProperties()), runDir, evaluation, listeners);
            if (resume) {
                trainer.resume();
            } else {
                trainer.train();
            }
            SavedModel.save(runDir.resolve(SavedModel.DIR), detector, config, data.train().categories());
            List<com.google.gson.JsonObject> evals = MetricsLog.read(runDir.resolve(MetricsLog.EVALS));
            Map<String, Double> last = new java.util.LinkedHashMap<>();
            if (!evals.isEmpty()) {
                evals.get(evals.size() - 1).entrySet().forEach(e -> last.put(e.getKey(), e.getValue().getAsDouble()));
            }
            Path report = TrainingReport.write(runDir, "hdkd train: " + runDir.getFileName());
            return new Outcome(runDir, last, report);
        }
    }
}
