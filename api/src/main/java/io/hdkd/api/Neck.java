package io.hdkd.api;

import ai.djl.nn.Block;
import java.util.List;

/**
 * Sits between backbone and head (e.g. an FPN): its {@link #block()} maps the backbone's levels (given by
 * {@link ComponentContext#inputLevels()}) to {@link #levels()}, in that order.
 */
public interface Neck {

    Block block();

    List<FeatureLevel> levels();
}
