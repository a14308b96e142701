package io.hdkd.plugin.kdlosses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.initializer.Initializer;
import java.util.SplittableRandom;

/**
 * Normal(0, 1/fan_in) weights drawn from a Java random generator with a fixed seed, so that an adapter starts the
 * same on every run and engine whatever the engine's global seed is. A std of 1/sqrt(fan_in) keeps the output's
 * variance equal to the input's (a 1x1 conv has fan_in = input channels).
 */
final class SeededNormalInitializer implements Initializer {

    private final long seed;

    SeededNormalInitializer(long seed) {
        this.seed = seed;
    }

    @Override
    public NDArray initialize(NDManager manager, Shape shape, DataType dataType) {
        long fanIn = shape.size() / shape.get(0);
        double std = 1.0 / Math.sqrt(fanIn);
        SplittableRandom random = new SplittableRandom(seed);
        float[] values = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) (gaussian(random) * std);
        }
        return manager.create(values, shape).toType(dataType, false);
    }

    /** Box-Muller: SplittableRandom has no nextGaussian on Java 17. */
    private static double gaussian(SplittableRandom random) {
        double u1 = 1.0 - random.nextDouble();
        double u2 = random.nextDouble();
        return Math.sqrt(-2.0 * Math.log(u1)) * Math.cos(2.0 * Math.PI * u2);
    }
}
