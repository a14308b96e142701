package io.hdkd.core.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.util.Pair;
import io.hdkd.api.InvalidInputException;
import io.hdkd.api.LossTerms;
import io.hdkd.core.data.loader.DetectionBatch;
import io.hdkd.core.run.RunFolder;
import io.hdkd.core.run.StepMeans;
import io.hdkd.core.train.optim.Gradients;
import io.hdkd.core.train.optim.Optimizer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training loop shared by detector training and distillation: for each batch, the step function's loss, a
 * backward pass, gradient clipping, the optimizer update; checkpoints every N steps and at every epoch's end;
 * evaluation every N epochs; a NaN guard. It knows nothing of detectors: what a step computes is the caller's.
 */
public final class Trainer {

    /** Computes the training loss of one batch (forward pass with {@code training = true}). */
    @FunctionalInterface
    public interface StepFunction {
        LossTerms loss(ParameterStore ps, DetectionBatch batch);

        /** Called before each {@link #loss} with the step about to be taken, for schedules. */
        default void beforeStep(io.hdkd.api.TrainingProgress progress) {}

        /** What the last {@link #loss} call measured besides losses (e.g. a teacher's forward time in ms). */
        default Map<String, Double> measures() {
            return Map.of();
        }
    }

    /** Evaluates the model after an epoch; returns named metrics (e.g. AP, AP50). */
    @FunctionalInterface
    public interface Evaluation {
        Map<String, Double> evaluate(int epoch);
    }

    /**
     * @param epochs total epochs of the run
     * @param checkpointEverySteps also checkpoint every this many steps (0 = only at epoch ends)
     * @param keepCheckpoints how many checkpoints to keep
     * @param evalEveryEpochs evaluate every this many epochs (0 = never); the last epoch is always evaluated if > 0
     * @param gradClipNorm clip the global gradient norm to this (0 = no clipping)
     * @param resolvedConfig the run's resolved configuration, stored with every checkpoint
     */
    public record Settings(int epochs, int checkpointEverySteps, int keepCheckpoints, int evalEveryEpochs,
            double gradClipNorm, String resolvedConfig) {}

    /**
     * How a run ended, over the whole run (the steps and evaluations before a resume included), so that no caller
     * re-reads the metrics files.
     *
     * @param state where the run stands
     * @param finalMetrics the last evaluation as its {@code eval.jsonl} line has it (epoch from 1, step, metrics);
     *     empty if the run was never evaluated
     * @param stepMeans the mean of every per-step number ({@code step_ms}, {@code teacher_ms}, ...)
     */
    public record Result(TrainingState state, Map<String, Double> finalMetrics, StepMeans stepMeans) {}

    private static final Logger LOG = LoggerFactory.getLogger(Trainer.class);

    private final Block model;
    private final NDManager manager;
    private final StepFunction stepFunction;
    private final TrainingData data;
    private final Optimizer optimizer;
    private final LrSchedule schedule;
    private final Settings settings;
    private final Checkpoints checkpoints;
    private final RunFolder folder;
    private final Evaluation evaluation;
    private final List<TrainingListener> listeners;
    /** Consecutive steps whose gradients were not finite (their updates were skipped). */
    private int nonFiniteRun;

    /** After this many consecutive steps with non-finite gradients the run stops as diverged. */
    static final int MAX_NON_FINITE_STEPS = 10;

    public Trainer(Block model, NDManager manager, StepFunction stepFunction, TrainingData data, Optimizer optimizer,
            LrSchedule schedule, Settings settings, Path runDir, Evaluation evaluation, List<TrainingListener> listeners) {
        this.model = model;
        this.manager = manager;
        this.stepFunction = stepFunction;
        this.data = data;
        this.optimizer = optimizer;
        this.schedule = schedule;
        this.settings = settings;
        this.checkpoints = new Checkpoints(runDir, settings.keepCheckpoints());
        this.folder = RunFolder.at(runDir);
        this.evaluation = evaluation;
        this.listeners = List.copyOf(listeners);
    }

    public Checkpoints checkpoints() {
        return checkpoints;
    }

    /** The parameters the optimizer updates, in a fixed order (the optimizer's state is matched by position). */
    public static List<Parameter> trainableParameters(Block block) {
        List<Parameter> params = new ArrayList<>();
        for (Pair<String, Parameter> p : block.getParameters()) {
            if (p.getValue().requiresGradient()) {
                params.add(p.getValue());
            }
        }
        return params;
    }

    /** Trains from the start. */
    public Result train() {
        return run(TrainingState.start());
    }

    /** Continues from the latest checkpoint; from the start if there is none. */
    public Result resume() {
        List<String> problems = new ArrayList<>();
        List<Path> candidates = checkpoints.candidates(problems);
        if (candidates.isEmpty() && problems.isEmpty()) {
            return train();
        }
        // The newest intact checkpoint: a damaged one (a disk error, a truncated copy) is named and skipped.
        for (Path ckpt : candidates) {
            try {
                TrainingState state = Checkpoints.load(ckpt, model, optimizer, manager);
                for (String p : problems) {
                    System.err.println("hdkd: warning: " + p + "; resuming from " + ckpt.getFileName() + " instead");
                }
                return run(state);
            } catch (InvalidInputException e) {
                problems.add(e.getMessage());
            }
        }
        throw new InvalidInputException("--resume: no intact checkpoint in " + checkpoints.dir() + ": "
                + String.join("; ", problems) + "; start over with --force");
    }

    private Result run(TrainingState from) {
        List<Parameter> params = trainableParameters(model);
        int perEpoch = data.batchesPerEpoch();
        int totalSteps = settings.epochs() * perEpoch;
        // A resumed run's result covers the steps and evaluations up to its checkpoint too: read before the listeners
        // start (the metrics log drops what lies after the checkpoint).
        StepMeans stepMeans = new StepMeans();
        Map<String, Double> finalMetrics = new LinkedHashMap<>();
        if (from.step() > 0) {
            for (Map<String, Double> s : folder.stepValuesUpTo(from.step())) {
                stepMeans.add(s);
            }
            List<Map<String, Double>> evals = folder.evaluationValuesUpTo(from.step());
            if (!evals.isEmpty()) {
                finalMetrics.putAll(evals.get(evals.size() - 1));
            }
        }
        listeners.forEach(l -> l.onStart(from, totalSteps));
        ParameterStore ps = new ParameterStore(manager, false);
        ManagerGrowthWatch growth = new ManagerGrowthWatch(manager);
        TrainingState state = from;
        for (int epoch = from.epoch(); epoch < settings.epochs(); epoch++) {
            int first = epoch == from.epoch() ? from.batch() : 0;
            try (NDManager epochManager = manager.newSubManager()) {
                Iterator<DetectionBatch> batches = data.epoch(epoch, first, epochManager);
                for (int b = first; b < perEpoch && batches.hasNext(); b++) {
                    StepRecord record;
                    try (DetectionBatch batch = batches.next()) {
                        stepFunction.beforeStep(new io.hdkd.api.TrainingProgress(state.step(), totalSteps));
                        record = step(ps, params, batch, epoch, b, state.step());
                    }
                    String grew = growth.afterStep(record.step(), epochManager);
                    if (grew != null) {
                        LOG.warn(grew);
                    }
                    state = new TrainingState(epoch, b + 1, state.step() + 1);
                    stepMeans.add(record.values());
                    for (TrainingListener l : listeners) {
                        l.onStep(record);
                    }
                    boolean epochEnd = b + 1 == perEpoch;
                    if (!epochEnd && settings.checkpointEverySteps() > 0
                            && state.step() % settings.checkpointEverySteps() == 0) {
                        save(state);
                    }
                }
            }
            state = new TrainingState(epoch + 1, 0, state.step());
            int every = settings.evalEveryEpochs();
            if (evaluation != null && every > 0 && ((epoch + 1) % every == 0 || epoch + 1 == settings.epochs())) {
                Map<String, Double> metrics = evaluation.evaluate(epoch);
                long step = state.step();
                int e = epoch;
                finalMetrics.clear();
                StepRecord.evaluationValues(e, step, metrics).forEach((k, v) -> finalMetrics.put(k, v.doubleValue()));
                listeners.forEach(l -> l.onEvaluation(e, step, metrics));
            }
            save(state);
        }
        TrainingState end = state;
        listeners.forEach(l -> l.onEnd(end));
        return new Result(end, Collections.unmodifiableMap(finalMetrics), stepMeans);
    }

    private StepRecord step(ParameterStore ps, List<Parameter> params, DetectionBatch batch, int epoch, int b,
            long step) {
        long t0 = System.nanoTime();
        double lr = schedule.at((int) step);
        Map<String, Double> values = new LinkedHashMap<>();
        double total;
        // Everything the step computes attaches to the batch's manager (results follow their first input), so closing
        // the batch, which the caller does, frees the step's memory.
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            LossTerms terms = stepFunction.loss(ps, batch);
            NDArray loss = terms.total();
            total = loss.toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble();
            for (Map.Entry<String, NDArray> t : terms.terms().entrySet()) {
                values.put(t.getKey(), t.getValue().toType(ai.djl.ndarray.types.DataType.FLOAT64, false).getDouble());
            }
            if (!Double.isFinite(total)) {
                Path lastGood = checkpoints.latest();
                throw new TrainingDivergedException("loss is " + total + " at step " + (step + 1) + " (epoch "
                        + (epoch + 1) + ", batch " + (b + 1) + "; terms " + values + "); stopped, the last good"
                        + " checkpoint is kept" + (lastGood == null ? " (none yet)" : ": " + lastGood)
                        + ". Lower the learning rate or enable gradient clipping.");
            }
            collector.backward(loss);
        }
        double gradNorm = Gradients.clipGlobalNorm(params, settings.gradClipNorm());
        if (Double.isFinite(gradNorm)) {
            nonFiniteRun = 0;
            optimizer.step(params, (float) lr);
        } else {
            // A finite loss with non-finite gradients: skip this update rather than poison the weights (as mixed-
            // precision loss scalers do); only a run of them means the training itself diverged.
            params.forEach(Gradients::zero);
            if (++nonFiniteRun >= MAX_NON_FINITE_STEPS) {
                throw new TrainingDivergedException("gradients were not finite for " + nonFiniteRun
                        + " steps in a row, up to step " + (step + 1) + "; stopped, the last good checkpoint is"
                        + " kept. Lower the learning rate or enable gradient clipping.");
            }
            values.put("skipped", 1.0);
        }
        double ms = (System.nanoTime() - t0) / 1e6;
        return new StepRecord(epoch, b, step + 1, lr, total, values, gradNorm, batch.size(), ms,
                stepFunction.measures());
    }

    private void save(TrainingState state) {
        Path ckpt = checkpoints.save(model, optimizer, state, settings.resolvedConfig());
        listeners.forEach(l -> l.onCheckpoint(ckpt, state));
    }
}
