package io.hdkd.api;

import ai.djl.nn.Block;
import io.hdkd.api.export.BlockExporter;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A feature extractor: its {@link #block()} maps an image batch {@code NDList[N x 3 x H x W]} (float32, normalised
 * as the backbone's weights expect) to the feature maps of {@link #levels()}, in that order.
 */
public interface Backbone {

    Block block();

    /** The levels the block outputs, in output order (e.g. c2..c5 with strides 4..32). */
    List<FeatureLevel> levels();

    /**
     * For weight import and export: each external (e.g. torchvision state-dict) tensor name mapped to the path of the
     * block's parameter, as {@code block().getParameters()} names it. Empty if the backbone has no external naming.
     */
    default Map<String, String> stateDictNames() {
        return Map.of();
    }

    /**
     * The block's ONNX export (SPI 2), or empty if this backbone cannot be exported: {@code hdkd export} then refuses
     * it by plugin and component name.
     */
    default Optional<BlockExporter> exporter() {
        return Optional.empty();
    }
}
