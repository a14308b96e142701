package io.hdkd.core.train;

import java.util.List;

/**
 * The learning rate as a pure function of the global step, so a resumed run needs nothing but the step count:
 * linear warmup from {@code warmupFactor * base} over {@code warmupSteps}, then constant, step decay (multiply by
 * {@code gamma} at each milestone) or cosine decay to {@code minLr} at {@code totalSteps}.
 */
public record LrSchedule(
        double base, Kind kind, int warmupSteps, double warmupFactor, List<Integer> milestones, double gamma,
        int totalSteps, double minLr) {

    /** The decay after warmup. */
    public enum Kind { CONSTANT, STEP, COSINE }

    public LrSchedule {
        milestones = List.copyOf(milestones);
    }

    public double at(int step) {
        double lr = decayed(step);
        if (step < warmupSteps) {
            double alpha = (double) step / warmupSteps;
            lr *= warmupFactor * (1 - alpha) + alpha;
        }
        return lr;
    }

    private double decayed(int step) {
        switch (kind) {
            case STEP: {
                double lr = base;
                for (int m : milestones) {
                    if (step >= m) {
                        lr *= gamma;
                    }
                }
                return lr;
            }
            case COSINE: {
                double progress = Math.min(1.0, (double) step / Math.max(1, totalSteps));
                return minLr + 0.5 * (base - minLr) * (1 + Math.cos(Math.PI * progress));
            }
            default:
                return base;
        }
    }
}
