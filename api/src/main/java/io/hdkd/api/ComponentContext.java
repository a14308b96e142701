package io.hdkd.api;

import ai.djl.Device;
import java.util.List;

/**
 * What the host tells a factory when it creates a component. Plugins never see the injector or the whole
 * configuration, only this and their own {@link Options}.
 *
 * @param numClasses number of object classes (without background)
 * @param inputLevels the feature levels the component consumes, in order (empty for a backbone)
 * @param device the device the model will run on
 * @param seed the run's seed; components derive their own randomness from it
 * @param pair for distillation losses: the student and teacher they sit between; null for other components
 */
public record ComponentContext(int numClasses, List<FeatureLevel> inputLevels, Device device, long seed,
        DistillationPair pair) {

    public ComponentContext {
        inputLevels = List.copyOf(inputLevels);
        if (numClasses < 0) {
            throw new IllegalArgumentException("numClasses must be >= 0");
        }
    }

    /** A context for a component that is not a distillation loss. */
    public ComponentContext(int numClasses, List<FeatureLevel> inputLevels, Device device, long seed) {
        this(numClasses, inputLevels, device, seed, null);
    }

    /** The same context with other input levels, e.g. for the head that follows a neck. */
    public ComponentContext withInputLevels(List<FeatureLevel> levels) {
        return new ComponentContext(numClasses, levels, device, seed, pair);
    }

    /** The same context for a distillation loss between {@code pair}'s detectors. */
    public ComponentContext withPair(DistillationPair pair) {
        return new ComponentContext(numClasses, inputLevels, device, seed, pair);
    }
}
