package io.hdkd.api.head;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;
import java.util.SplittableRandom;

/**
 * Normal(0, std) weights from a seed, independent of the engine's global generator, so that the same run seed gives
 * the same head whatever else was initialised first (DJL's {@code NormalInitializer} draws from the engine). Derive
 * one seed per parameter from {@link io.hdkd.api.ComponentContext#seed()}.
 */
public final class SeededNormalInitializer implements Initializer {

    private final double std;
    private final long seed;

    public SeededNormalInitializer(double std, long seed) {
        if (!(std >= 0)) {
            throw new IllegalArgumentException("std must be >= 0, got " + std);
        }
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
