package io.hdkd.core.train;

import java.nio.file.Path;
import java.util.Map;

/** Hears what the trainer does: progress bars, metrics files, reports. */
public interface TrainingListener {

    default void onStart(TrainingState state, int totalSteps) {}

    default void onStep(StepRecord record) {}

    default void onEvaluation(int epoch, long step, Map<String, Double> metrics) {}

    default void onCheckpoint(Path checkpoint, TrainingState state) {}

    default void onEnd(TrainingState state) {}
}
