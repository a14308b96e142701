package io.hdkd.core.train;

/**
 * Where a run stands: the next batch to run is {@code batch} of {@code epoch}, after {@code step} optimisation steps.
 * Together with the seed this fixes everything the rest of the run does.
 */
public record TrainingState(int epoch, int batch, long step) {

    public static TrainingState start() {
        return new TrainingState(0, 0, 0);
    }
}
