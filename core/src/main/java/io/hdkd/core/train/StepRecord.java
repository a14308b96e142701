package io.hdkd.core.train;

import java.util.Map;

/**
 * What happened in one optimisation step, for progress, logs and metrics files.
 *
 * @param losses each named loss term's value (unweighted terms as the step function returned them)
 * @param gradNorm the global gradient norm before clipping
 */
public record StepRecord(int epoch, int batch, long step, double lr, double loss, Map<String, Double> losses,
        double gradNorm, int images, double stepMillis) {}
