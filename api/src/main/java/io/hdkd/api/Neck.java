package io.hdkd.api;

import ai.djl.nn.Block;
import io.hdkd.api.export.BlockExporter;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Sits between backbone and head (e.g. an FPN): its {@link #block()} maps the backbone's levels (given by
 * {@link ComponentContext#inputLevels()}) to {@link #levels()}, in that order.
 */
public interface Neck {

    Block block();

    List<FeatureLevel> levels();

    /**
     * For weight import and export: each external (e.g. torchvision state-dict) tensor name mapped to the path of the
     * block's parameter, as {@code block().getParameters()} names it. Empty if the neck has no external naming.
     */
    default Map<String, String> stateDictNames() {
        return Map.of();
    }

    /**
     * The block's ONNX export (SPI 2), or empty if this neck cannot be exported: {@code hdkd export} then refuses
     * it by plugin and component name.
     */
    default Optional<BlockExporter> exporter() {
        return Optional.empty();
    }
}
