package io.hdkd.api;

/**
 * Where a training run is: the step about to be taken (0-based) out of the run's total. Losses read it to schedule
 * their own terms; the host schedules each loss's weight from it.
 *
 * @param step the current optimizer step, 0-based
 * @param totalSteps the run's planned number of steps (at least 1), or 0 when unknown
 */
public record TrainingProgress(long step, long totalSteps) {

    /** Progress when the host does not know it (e.g. a benchmark step): fraction 0. */
    public static final TrainingProgress UNKNOWN = new TrainingProgress(0, 0);

    public TrainingProgress {
        if (step < 0 || totalSteps < 0) {
            throw new IllegalArgumentException("step and totalSteps must be >= 0: " + step + ", " + totalSteps);
        }
    }

    /** {@code step / totalSteps} in {@code [0, 1]}; 0 when the total is unknown. */
    public double fraction() {
        return totalSteps == 0 ? 0 : Math.min(1.0, (double) step / totalSteps);
    }
}
