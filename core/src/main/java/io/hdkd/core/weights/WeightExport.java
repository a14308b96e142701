package io.hdkd.core.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import io.hdkd.api.Backbone;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Writes a backbone's parameters under their external (torchvision) names to {@code .npz} or {@code .safetensors},
 * so that {@code model.load_state_dict(..., strict=False)} or {@link WeightImport} takes them back unchanged.
 * BatchNorm's {@code num_batches_tracked} is not written (PyTorch fills it in when absent); values keep the
 * parameters' type, so an import followed by an export is bit-exact.
 */
public final class WeightExport {

    private WeightExport() {}

    /** Exports an initialised backbone; the format follows {@code file}'s extension; written atomically. */
    public static void export(Backbone backbone, Path file) {
        export(backbone.block(), backbone.stateDictNames(), file);
    }

    /** Exports any initialised block by an external naming (e.g. a neck's {@code stateDictNames()}). */
    public static void export(Block block, Map<String, String> names, Path file) {
        TensorFiles.Format.of(file);
        Map<String, NDArray> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Parameter> e : WeightImport.targets(block, names).entrySet()) {
            if (!e.getValue().isInitialized()) {
                throw new IllegalStateException("initialize the block before exporting weights: " + e.getKey());
            }
            tensors.put(e.getKey(), e.getValue().getArray());
        }
        TensorFiles.write(file, tensors);
    }
}
