package io.hdkd.core.bench;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Times a training step in its three phases (forward pass with the loss, backward, optimizer update) over warm-up and
 * timed repetitions, and prints the medians followed by {@link BenchReport}'s closing lines. What the step computes is
 * the caller's: the backbone and detector benchmarks share this loop so that their figures mean the same thing.
 */
public final class TrainingStepTimer {

    /** The forward pass of one step. */
    @FunctionalInterface
    public interface Forward {
        /** The scalar loss; every array of the step attached to {@code step}, closed after the step. */
        NDArray loss(NDManager step);
    }

    private final int warmup;
    private final int steps;
    private final int imagesPerStep;
    private final Path profile;

    public TrainingStepTimer(int warmup, int steps, int imagesPerStep) {
        this(warmup, steps, imagesPerStep, null);
    }

    /**
     * @param profile where libtorch's operator profile of the timed steps goes (a Chrome trace), or null for none;
     *     profiling slows the steps, so the medians of a profiled run are not comparable with an unprofiled one
     */
    public TrainingStepTimer(int warmup, int steps, int imagesPerStep, Path profile) {
        this.warmup = warmup;
        this.steps = steps;
        this.imagesPerStep = imagesPerStep;
        this.profile = profile;
    }

    /** Runs {@code warmup + steps} steps in sub-managers of {@code manager} and prints the figures to {@code out}. */
    public void run(NDManager manager, Forward forward, Runnable update, PrintWriter out) {
        double[] forwardMs = new double[steps];
        double[] backwardMs = new double[steps];
        double[] updateMs = new double[steps];
        double[] totalMs = new double[steps];
        double lastLoss = Double.NaN;
        long[] heldAfterForward = new long[2];
        for (int i = -warmup; i < steps; i++) {
            if (i == 0) {
                OperatorProfile.start(profile);
            }
            try (NDManager step = manager.newSubManager()) {
                long t0 = System.nanoTime();
                long t1;
                try (var collector = Engine.getInstance().newGradientCollector()) {
                    NDArray loss = forward.loss(step);
                    // Reading the value waits for the forward pass (a no-op on CPU, but honest on a GPU).
                    lastLoss = loss.toType(DataType.FLOAT64, false).getDouble();
                    t1 = System.nanoTime();
                    // What the Java side holds at the forward's end (the whole tree: parameters, optimizer state,
                    // the step's arrays): the part of the peak that DJL's managers, not the autograd graph, decide.
                    heldAfterForward = held(manager);
                    collector.backward(loss);
                }
                long t2 = System.nanoTime();
                update.run();
                long t3 = System.nanoTime();
                if (i >= 0) {
                    forwardMs[i] = (t1 - t0) / 1e6;
                    backwardMs[i] = (t2 - t1) / 1e6;
                    updateMs[i] = (t3 - t2) / 1e6;
                    totalMs[i] = (t3 - t0) / 1e6;
                }
            }
            if (i == -warmup && !Double.isFinite(lastLoss)) {
                throw new IllegalStateException("the first step's loss is " + lastLoss);
            }
        }
        OperatorProfile.stop(profile);
        out.println(String.format(Locale.ROOT, "last_loss %.6f", lastLoss));
        // On stderr: stdout ends with the closing lines every benchmark prints, which scripts read.
        System.err.println(String.format(Locale.ROOT, "hdkd: arrays open at the forward's end: %d, %.1f MB (parameters"
                + " and optimizer state included)", heldAfterForward[0], heldAfterForward[1] / 1e6));
        out.println(String.format(Locale.ROOT, "median_forward_ms %.2f", BenchReport.median(forwardMs)));
        out.println(String.format(Locale.ROOT, "median_backward_ms %.2f", BenchReport.median(backwardMs)));
        out.println(String.format(Locale.ROOT, "median_update_ms %.2f", BenchReport.median(updateMs)));
        double median = BenchReport.median(totalMs);
        BenchReport.print(out, median, imagesPerStep / (median / 1000));
    }

    /** The number of open arrays under {@code manager} and their bytes (views counted at their own size). */
    static long[] held(NDManager manager) {
        long count = 0;
        long bytes = 0;
        for (NDArray a : manager.getManagedArrays()) {
            if (!a.isReleased()) {
                count++;
                bytes += a.getShape().size() * a.getDataType().getNumOfBytes();
            }
        }
        return new long[] {count, bytes};
    }
}
