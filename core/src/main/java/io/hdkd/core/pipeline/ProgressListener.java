package io.hdkd.core.pipeline;

import io.hdkd.core.progress.ProgressBar;
import io.hdkd.core.train.StepRecord;
import io.hdkd.core.train.TrainingListener;
import io.hdkd.core.train.TrainingState;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * The training progress bar: steps done of total, steps/s and ETA, with the smoothed loss and images/s; evaluations
 * and checkpoints are announced on their own lines.
 */
final class ProgressListener implements TrainingListener {

    private final String label;
    private final PrintStream out;
    private ProgressBar bar;
    private double smoothed = Double.NaN;
    private double imagesPerSecond = Double.NaN;

    ProgressListener(String label, PrintStream out) {
        this.label = label;
        this.out = out;
    }

    @Override
    public void onStart(TrainingState state, int totalSteps) {
        bar = new ProgressBar(label, totalSteps, "step", out, System.console() != null, System::nanoTime);
        bar.step(state.step());
    }

    @Override
    public void onStep(StepRecord r) {
        smoothed = Double.isNaN(smoothed) ? r.loss() : 0.9 * smoothed + 0.1 * r.loss();
        double ips = r.images() / (r.stepMillis() / 1000.0);
        imagesPerSecond = Double.isNaN(imagesPerSecond) ? ips : 0.9 * imagesPerSecond + 0.1 * ips;
        Double teacher = r.measures().get(io.hdkd.core.distill.DistillationStep.TEACHER_MS);
        bar.status(String.format(Locale.ROOT, "epoch %d  loss %.4f  %.1f img/s", r.epoch() + 1, smoothed,
                imagesPerSecond) + (teacher == null ? "" : String.format(Locale.ROOT, "  teacher %.0f ms", teacher)));
        bar.step(1);
    }

    @Override
    public void onEvaluation(int epoch, long step, Map<String, Double> metrics) {
        out.println(String.format(Locale.ROOT, "%s: epoch %d val AP %.4f  AP50 %.4f  AP75 %.4f  found %.3f", label,
                epoch + 1, metrics.getOrDefault("AP", Double.NaN), metrics.getOrDefault("AP50", Double.NaN),
                metrics.getOrDefault("AP75", Double.NaN), metrics.getOrDefault("found", Double.NaN)));
    }

    @Override
    public void onEnd(TrainingState state) {
        bar.close();
    }
}
