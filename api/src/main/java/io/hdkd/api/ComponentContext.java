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
 */
public record ComponentContext(int numClasses, List<FeatureLevel> inputLevels, Device device, long seed) {

    public ComponentContext {
        inputLevels = List.copyOf(inputLevels);
        if (numClasses < 0) {
            throw new IllegalArgumentException("numClasses must be >= 0");
        }
    }

    /** The same context with other input levels, e.g. for the head that follows a neck. */
    public ComponentContext withInputLevels(List<FeatureLevel> levels) {
        return new ComponentContext(numClasses, levels, device, seed);
    }
}
