package io.hdkd.plugin.retinanet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;
import java.util.SplittableRandom;

/**
 * Normal(0, std) weights from the run's seed, independent of the engine's global generator, so that the same seed
 * gives the same head whatever else was initialised first.
 */
final class SeededNormalInitializer implements Initializer {

    private final double std;
    private final long seed;

    SeededNormalInitializer(double std, long seed) {
        this.std = std;
        this.seed = seed;
    }

    @Override
    public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (random.nextGaussian() * std);
        }
        return manager.create(values, shape).toType(dataType, false);
    }
}
