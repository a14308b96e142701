package io.hdkd.core.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import io.hdkd.api.Backbone;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.InvalidInputException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a backbone in inference mode (BatchNorm on running statistics) on an {@code N x 3 x H x W} float32
 * {@code .npy} and writes its levels ({@code c2..c5}) by name to a {@code .npz} or {@code .safetensors}.
 */
public final class BackboneRunner {

    private BackboneRunner() {}

    /**
     * Runs {@code backbone} (initialised, weights loaded) on the image batch in {@code input} and writes the levels
     * to {@code output}, atomically.
     *
     * @throws InvalidInputException if the input is not a float32 N x 3 x H x W array
     */
    public static Map<String, Shape> run(Backbone backbone, Path input, Path output) {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray images = TensorFiles.readSingle(input, manager);
            Shape s = images.getShape();
            if (s.dimension() != 4 || s.get(1) != 3 || images.getDataType() != DataType.FLOAT32) {
                throw new InvalidInputException(input + ": expected a float32 N x 3 x H x W array, got "
                        + images.getDataType() + " " + s);
            }
            Map<String, NDArray> levels = run(backbone, images, manager);
            TensorFiles.write(output, levels);
            Map<String, Shape> shapes = new LinkedHashMap<>();
            levels.forEach((name, a) -> shapes.put(name, a.getShape()));
            return shapes;
        }
    }

    /** The backbone's levels by name for {@code images}, computed in inference mode, attached to {@code manager}. */
    public static Map<String, NDArray> run(Backbone backbone, NDArray images, NDManager manager) {
        if (!backbone.block().isInitialized()) {
            throw new IllegalStateException("initialize the backbone and load its weights before running it");
        }
        NDList out = backbone.block().forward(new ParameterStore(manager, false), new NDList(images), false);
        List<FeatureLevel> levels = backbone.levels();
        if (out.size() != levels.size()) {
            throw new IllegalStateException("backbone returned " + out.size() + " arrays for levels " + levels);
        }
        Map<String, NDArray> named = new LinkedHashMap<>();
        for (int i = 0; i < levels.size(); i++) {
            named.put(levels.get(i).name(), out.get(i));
        }
        return named;
    }
}
