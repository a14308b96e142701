package io.hdkd.plugin.fpn;

import ai.djl.nn.Block;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.Neck;
import java.util.List;

/** A built feature pyramid: its block and output levels. */
record FpnNeck(Block block, List<FeatureLevel> levels) implements Neck {

    FpnNeck {
        levels = List.copyOf(levels);
    }
}
