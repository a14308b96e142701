package io.hdkd.core.pipeline;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.hdkd.core.config.ResolvedConfig;
import io.hdkd.core.model.DetectorBlock;
import io.hdkd.core.train.Trainer;
import java.io.PrintStream;
import java.nio.file.Path;
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

    /** What a finished run reports. */
    public record Outcome(Path runDir, Map<String, Double> finalMetrics, Path report) {}

    private TrainingRun() {}

    /**
     * Trains. With {@code resume}, continues from the run's latest checkpoint.
     *
     * @param log where the progress bar and evaluation lines go
     */
    public static Outcome train(ResolvedConfig config, Path runDir, boolean resume, boolean force, PrintStream log) {
        try (RunSession session = RunSession.open(config, runDir, resume, force)) {
            DetectorBlock detector = session.buildDetector();
            Trainer.StepFunction step = (ps, batch) -> {
                NDList raw = detector.forward(ps, new NDList(batch.images()), true);
                Shape input = new Shape(batch.images().getShape().get(2), batch.images().getShape().get(3));
                return detector.head().loss(raw, batch.targets(), input);
            };
            return session.train(detector, detector, step, config, resume, "train", log);
        }
    }
}
