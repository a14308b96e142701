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

    public StepRecord {
        // Copies that keep the step function's order: the metrics files list terms as the loss named them.
        losses = Collections.unmodifiableMap(new LinkedHashMap<>(losses));
        measures = Collections.unmodifiableMap(new LinkedHashMap<>(measures));
    }
}
