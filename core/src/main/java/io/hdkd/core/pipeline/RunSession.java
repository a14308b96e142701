package io.hdkd.core.pipeline;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
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
import io.hdkd.core.run.RunFolder;
import io.hdkd.core.train.Trainer;
import io.hdkd.core.train.TrainingData;
import io.hdkd.core.train.TrainingListener;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What every run that trains a detector shares, {@code hdkd train} and {@code hdkd distill} alike: the run folder
 * ({@link RunFolder}), the device, the data and its loader, and the trainer around a step function, with metrics,
 * progress, checkpoints, resume and the NaN guard, up to the saved model and the report. The runs differ only in
 * what they build and what one step computes.
 *
 * <p>Two phases: {@link #start} prepares what creating components needs (device, manager, loader settings, the class
 * count) without writing anything; the run creates every component; then {@link #openFolder} writes the run folder
 * and loads the data. A component that refuses its configuration so leaves no folder behind.
 */
final class RunSession implements AutoCloseable {

    private final ResolvedConfig config;
    private final RunFolder folder;
    private final Options trainOptions;
    private final Options datasetOptions;
    private final Device device;
    private final LoaderConfig loaderConfig;
    private final AugmentConfig augment;
    private final NDManager manager;
    private final int numClasses;
    /** Read by {@link #start} for a dataset on disk; generated into the folder by {@link #openFolder} if synthetic. */
    private DatasetSection.Splits data;
    private DetectionLoader loader;
    private boolean closed;

    private RunSession(ResolvedConfig config, Path runDir) {
        this.config = config;
        this.folder = RunFolder.at(runDir);
        this.trainOptions = config.section(TrainSection.SECTION.prefix());
        this.datasetOptions = config.section(DatasetSection.SECTION.prefix());
        this.device = TrainSection.device(trainOptions);
        LoaderConfig lc = LoaderConfig.fromOptions(config.section(LoaderConfig.SECTION));
        this.loaderConfig = lc.withSeed(Pipelines.loaderSeed(config.seed(), lc.seed()));
        this.augment = AugmentConfig.fromOptions(config.section(AugmentConfig.SECTION));
        // Reading a dataset on disk writes nothing; synthetic scenes have a fixed class list.
        this.data = DatasetSection.isSynthetic(datasetOptions) ? null
                : DatasetSection.load(datasetOptions, runDir, config.seed());
        this.numClasses = data == null ? DatasetSection.SYNTHETIC_CLASSES : data.train().numClasses();
        this.manager = NDManager.newBaseManager(device);
    }

    /** What creating the run's components needs, with nothing written: see {@link #openFolder}. */
    static RunSession start(ResolvedConfig config, Path runDir) {
        return new RunSession(config, runDir);
    }

    /**
     * Prepares the run folder (see {@link #prepareRunDir}), then reads (or generates into it) the data. Called once
     * every component of the run exists.
     */
    void openFolder(boolean resume, boolean force) {
        prepareRunDir(folder.dir(), config, resume, force);
        if (data == null) {
            data = DatasetSection.load(datasetOptions, folder.dir(), config.seed());
            if (data.train().numClasses() != numClasses) {
                throw new IllegalStateException("synthetic scenes have " + data.train().numClasses()
                        + " classes, expected " + numClasses);
            }
        }
        loader = new DetectionLoader(data.train(), augment, loaderConfig);
    }

    /**
     * Prepares the run folder: a new run needs it absent or empty (or {@code force}); a resumed run needs it to hold
     * this same configuration.
     */
    static void prepareRunDir(Path runDir, ResolvedConfig config, boolean resume, boolean force) {
        RunFolder folder = RunFolder.at(runDir);
        Path stored = folder.config();
        if (resume) {
            if (!folder.holdsRun()) {
                throw new InvalidInputException("--resume: " + runDir + " holds no run (no " + RunFolder.CONFIG + ")");
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

    /** The classes of the run's data, known before the data are loaded. */
    int numClasses() {
        return numClasses;
    }

    /** The data; loaded by {@link #openFolder}. */
    DatasetSection.Splits data() {
        return requireOpen(data);
    }

    LoaderConfig loaderConfig() {
        return loaderConfig;
    }

    /** The shapes of the feature maps {@code detector}'s head reads, for a batch of one at the loader's size. */
    ai.djl.ndarray.types.Shape[] featureShapes(DetectorBlock detector) {
        ai.djl.ndarray.types.Shape[] shapes = detector.backbone().block().getOutputShapes(
                new ai.djl.ndarray.types.Shape[] {new ai.djl.ndarray.types.Shape(1, 3, loaderConfig.size(),
                        loaderConfig.size())});
        return detector.neck() == null ? shapes : detector.neck().block().getOutputShapes(shapes);
    }

    /** The configured detector ({@code model.*}), initialised from the run's seed, for this run's classes. */
    DetectorBlock buildDetector() {
        return DetectorBuilder.build(config, numClasses, loaderConfig.size(), device, manager);
    }

    private <T> T requireOpen(T loaded) {
        if (loaded == null) {
            throw new IllegalStateException("the run folder is not open yet: openFolder comes first");
        }
        return loaded;
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
        DetectionLoader batches = requireOpen(loader);
        Trainer.Evaluation evaluation = epoch -> {
            Evaluation.Result r = Evaluation.run(detector, data.val(), loaderConfig, manager, false);
            CocoResults.write(folder.valDetections(), r.detections());
            return r.metrics();
        };
        List<TrainingListener> listeners = List.of(new MetricsLog(folder.dir()), new ProgressListener(label, log));
        Trainer trainer = new Trainer(trained, manager, step, TrainingData.of(batches),
                TrainSection.optimizer(trainOptions, manager),
                TrainSection.schedule(trainOptions, batches.batchesPerEpoch()),
                TrainSection.settings(trainOptions, config.toProperties()), folder.dir(), evaluation, listeners);
        Trainer.Result result = resume ? trainer.resume() : trainer.train();
        SavedModel.save(folder.model(), detector, savedConfig, data.train().categories());
        Path report = TrainingReport.write(folder.dir(), "hdkd " + label + ": " + folder.dir().getFileName());
        return new TrainingRun.Outcome(folder.dir(), result.finalMetrics(), report, result.stepMeans());
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            if (loader != null) {
                loader.close();
            }
        } finally {
            manager.close();
        }
    }
}
