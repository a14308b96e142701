package io.hdkd.core.pipeline;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hdkd.api.Backbone;
import io.hdkd.api.ComponentContext;
import io.hdkd.api.DetectorHead;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.InvalidInputException;
import io.hdkd.api.Neck;
import io.hdkd.core.config.ComponentSlot;
import io.hdkd.core.config.ConfiguredComponent;
import io.hdkd.core.config.ResolvedConfig;
import io.hdkd.core.model.DetectorBlock;
import io.hdkd.core.weights.BackboneCheckpoint;
import java.util.List;

/**
 * Assembles a detector (backbone, optional neck, head) from a resolved configuration through the plugin registry, and
 * initialises it reproducibly from the run's seed.
 */
public final class DetectorBuilder {

    private DetectorBuilder() {}

    /**
     * Builds and initialises the detector described under {@code model.*}.
     *
     * @param numClasses the dataset's number of classes
     * @param inputSize the side the loader resizes to (only to size parameters; any input size runs later)
     */
    public static DetectorBlock build(ResolvedConfig config, int numClasses, int inputSize, Device device,
            NDManager manager) {
        ConfiguredComponent b = config.component(ComponentSlot.BACKBONE).orElseThrow(() -> missing(ComponentSlot.BACKBONE));
        ConfiguredComponent h = config.component(ComponentSlot.HEAD).orElseThrow(() -> missing(ComponentSlot.HEAD));
        long seed = config.seed();
        ComponentContext ctx = new ComponentContext(numClasses, List.of(), device, seed);
        Backbone backbone = b.create(Backbone.class, ctx);
        List<FeatureLevel> levels = backbone.levels();
        Neck neck = null;
        if (config.component(ComponentSlot.NECK).isPresent()) {
            neck = config.component(ComponentSlot.NECK).get().create(Neck.class, ctx.withInputLevels(levels));
            levels = neck.levels();
        }
        DetectorHead head = h.create(DetectorHead.class, ctx.withInputLevels(levels));
        DetectorBlock detector = new DetectorBlock(backbone, neck, head);
        // DJL's initialisers draw from the engine's global generator: seed it so the same config gives the same model.
        Engine.getInstance().setRandomSeed((int) (seed ^ (seed >>> 32)));
        detector.initialize(manager, DataType.FLOAT32, new Shape(1, 3, inputSize, inputSize));
        config.backboneWeights().ifPresent(dir -> BackboneCheckpoint.load(backbone, dir));
        return detector;
    }

    private static InvalidInputException missing(ComponentSlot slot) {
        return new InvalidInputException("the configuration sets no " + slot.typeKey() + "; a detector needs a "
                + slot.kind().label() + " (see 'hdkd plugins' for the available types)");
    }
}
