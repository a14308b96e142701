package io.hdkd.core.train;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What happened in one optimisation step, for progress, logs and metrics files.
 *
 * @param losses each named loss term's value (unweighted terms as the step function returned them)
 * @param gradNorm the global gradient norm before clipping
 * @param measures what the step function measured besides losses (e.g. {@code teacher_ms}), logged as they are named
 */
public record StepRecord(int epoch, int batch, long step, double lr, double loss, Map<String, Double> losses,
        double gradNorm, int images, double stepMillis, Map<String, Double> measures) {

    /** The metrics key of a whole step's time, in milliseconds. */
    public static final String STEP_MS = "step_ms";

    public StepRecord {
        // Copies that keep the step function's order: the metrics files list terms as the loss named them.
        losses = Collections.unmodifiableMap(new LinkedHashMap<>(losses));
        measures = Collections.unmodifiableMap(new LinkedHashMap<>(measures));
    }

    /**
     * The step as its {@code metrics.jsonl} line has it, in the line's order: epoch and batch from 1, step, lr, loss,
     * {@code loss_<term>} for each term, grad_norm, images_per_s, step_ms, then the measures. Counts stay integers, so
     * the file reads {@code "epoch":1}, not {@code 1.0}.
     */
    public Map<String, Number> values() {
        Map<String, Number> v = new LinkedHashMap<>();
        v.put("epoch", epoch + 1);
        v.put("batch", batch + 1);
        v.put("step", step);
        v.put("lr", lr);
        v.put("loss", loss);
        losses.forEach((k, x) -> v.put("loss_" + k, x));
        v.put("grad_norm", gradNorm);
        v.put("images_per_s", images / (stepMillis / 1000.0));
        v.put(STEP_MS, stepMillis);
        v.putAll(measures);
        return v;
    }

    /** An evaluation as its {@code eval.jsonl} line has it: epoch from 1, step, then the metrics in their order. */
    public static Map<String, Number> evaluationValues(int epoch, long step, Map<String, Double> metrics) {
        Map<String, Number> v = new LinkedHashMap<>();
        v.put("epoch", epoch + 1);
        v.put("step", step);
        v.putAll(metrics);
        return v;
    }
}
