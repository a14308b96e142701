package io.hdkd.core.weights;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import io.hdkd.api.Backbone;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Loads an external (PyTorch) state dict into a backbone through its {@link Backbone#stateDictNames()}.
 *
 * <p>The file is a {@code .npz} or {@code .safetensors} holding the state dict by its names (e.g. exported with
 * {@code np.savez(f, **{k: v.numpy() for k, v in sd.items()})}). Tensors are cast to the parameters' type (float16
 * files load into float32 parameters). The classifier ({@code fc.*}) and BatchNorm's {@code num_batches_tracked} are
 * skipped silently; anything else that does not fit fails the whole import, listing every problem.
 */
public final class WeightImport {

    /** Names that a torchvision checkpoint carries but a backbone has no use for. */
    private static final List<String> SKIPPED_PREFIXES = List.of("fc.");
    private static final String SKIPPED_SUFFIX = "num_batches_tracked";

    private WeightImport() {}

    /** What an import did. */
    public record Report(int loaded, List<String> skipped) {
        public Report {
            skipped = List.copyOf(skipped);
        }
    }

    /** Imports a whole-file state dict into an initialised backbone. */
    public static Report importStateDict(Backbone backbone, Path file) {
        return importStateDict(backbone, file, "");
    }

    /**
     * Imports the tensors under {@code prefix} (e.g. {@code backbone.body.} in a torchvision detection checkpoint),
     * with the prefix removed; tensors outside it are ignored.
     *
     * @throws io.hdkd.api.InvalidInputException naming the file and listing missing, unexpected and mis-shaped tensors
     * @throws IllegalStateException if the backbone has no external names or its block is not initialised
     */
    public static Report importStateDict(Backbone backbone, Path file, String prefix) {
        return importStateDict(backbone.block(), backbone.stateDictNames(), file, prefix);
    }

    /**
     * Imports into any initialised block by an external naming, e.g. a neck's {@code stateDictNames()} with prefix
     * {@code backbone.fpn.} for a torchvision RetinaNet checkpoint.
     */
    public static Report importStateDict(Block block, Map<String, String> names, Path file, String prefix) {
        Map<String, Parameter> targets = targets(block, names);
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, NDArray> e : TensorFiles.read(file, manager).entrySet()) {
                if (e.getKey().startsWith(prefix)) {
                    tensors.put(e.getKey().substring(prefix.length()), e.getValue());
                }
            }
            Set<String> skipped = new LinkedHashSet<>();
            for (String name : tensors.keySet()) {
                if (!targets.containsKey(name) && isSkippable(name)) {
                    skipped.add(name);
                }
            }
            int loaded = ParameterMatch.copy(file.toString(), targets, tensors, skipped);
            return new Report(loaded, List.copyOf(skipped));
        }
    }

    static boolean isSkippable(String name) {
        return name.endsWith(SKIPPED_SUFFIX) || SKIPPED_PREFIXES.stream().anyMatch(name::startsWith);
    }

    /** External name to parameter, in the naming's order. */
    static Map<String, Parameter> targets(Block block, Map<String, String> names) {
        if (names.isEmpty()) {
            throw new IllegalStateException("this component has no external parameter names to import by");
        }
        var parameters = block.getParameters();
        Map<String, Parameter> targets = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : names.entrySet()) {
            Parameter p = parameters.get(e.getValue());
            if (p == null) {
                throw new IllegalStateException("stateDictNames maps " + e.getKey() + " to unknown parameter "
                        + e.getValue());
            }
            targets.put(e.getKey(), p);
        }
        return targets;
    }
}
