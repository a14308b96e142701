package io.hdkd.plugin.kdlosses;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hdkd.api.ComponentContext;
import io.hdkd.api.DistillationInput;
import io.hdkd.api.DistillationLossFactory;
import io.hdkd.api.DistillationPair;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.HeadOutput;
import io.hdkd.api.Options;
import io.hdkd.api.Taps;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/** Small seeded inputs and contexts shared by the tests. */
final class Fixtures {

    private Fixtures() {}

    /** Standard-normal values times {@code scale}, from a seeded Java generator (independent of the engine's RNG). */
    static NDArray randn(NDManager manager, long seed, double scale, long... shape) {
        Shape s = new Shape(shape);
        Random random = new Random(seed);
        float[] v = new float[Math.toIntExact(s.size())];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (random.nextGaussian() * scale);
        }
        return manager.create(v, s);
    }

    static double[] values(NDArray a) {
        return a.toType(DataType.FLOAT64, false).toDoubleArray();
    }

    static ComponentContext context(DistillationPair pair) {
        return new ComponentContext(3, List.of(), Device.cpu(), 42L, pair);
    }

    static DistillationPair featurePair(List<FeatureLevel> student, List<FeatureLevel> teacher) {
        return new DistillationPair(student, teacher, List.of(), List.of(), "retinanet", "retinanet");
    }

    static DistillationPair headPair(List<HeadOutput> student, List<HeadOutput> teacher, String studentType,
            String teacherType) {
        return new DistillationPair(List.of(), List.of(), student, teacher, studentType, teacherType);
    }

    static Options options(DistillationLossFactory factory, Map<String, String> given) {
        return Options.of("distill.loss.x.", factory.options(), given);
    }

    /** Taps from alternating name/array arguments; strides are not read by the losses. */
    static Taps taps(Object... nameThenArray) {
        Map<String, NDArray> arrays = new LinkedHashMap<>();
        Map<String, Integer> strides = new LinkedHashMap<>();
        for (int i = 0; i < nameThenArray.length; i += 2) {
            arrays.put((String) nameThenArray[i], (NDArray) nameThenArray[i + 1]);
            strides.put((String) nameThenArray[i], 0);
        }
        return new Taps(arrays, strides);
    }

    static DistillationInput input(Taps student, Taps teacher) {
        return new DistillationInput(student, teacher, null, List.of());
    }

    static float scalar(NDArray a) {
        return a.toType(DataType.FLOAT32, false).getFloat();
    }
}
