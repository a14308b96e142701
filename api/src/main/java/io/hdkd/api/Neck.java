package io.hdkd.api;

import ai.djl.nn.Block;
import java.util.List;
import java.util.Map;

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
}
