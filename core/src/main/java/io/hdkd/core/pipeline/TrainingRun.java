package io.hdkd.core.pipeline;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.hdkd.core.config.ResolvedConfig;
import io.hdkd.core.model.DetectorBlock;
import io.hdkd.core.run.RunFolder;
import io.hdkd.core.run.StepMeans;
import io.hdkd.core.train.Trainer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;

/** {@code hdkd train}: a detector trained from a configuration into a run folder ({@link RunFolder}). */
public final class TrainingRun {

    /**
     * What a finished run reports.
     *
     * @param finalMetrics the last evaluation (epoch from 1, step, AP, ...); empty if the run was never evaluated
     * @param stepMeans the means of the per-step numbers over the whole run, e.g. {@code step_ms}
     */
    public record Outcome(Path runDir, Map<String, Double> finalMetrics, Path report, StepMeans stepMeans) {}

    private TrainingRun() {}

    /**
     * Trains. With {@code resume}, continues from the run's latest checkpoint.
     *
     * @param log where the progress bar and evaluation lines go
     */
    public static Outcome train(ResolvedConfig config, Path runDir, boolean resume, boolean force, PrintStream log) {
        try (RunSession session = RunSession.start(config, runDir)) {
            DetectorBlock detector = session.buildDetector();
            session.openFolder(resume, force);
            Trainer.StepFunction step = (ps, batch) -> {
                NDList raw = detector.forward(ps, new NDList(batch.images()), true);
                Shape input = new Shape(batch.images().getShape().get(2), batch.images().getShape().get(3));
                return detector.head().loss(raw, batch.targets(), input);
            };
            return session.train(detector, detector, step, config, resume, "train", log);
        }
    }
}
