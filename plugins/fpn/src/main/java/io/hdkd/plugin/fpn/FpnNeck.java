package io.hdkd.plugin.fpn;

import ai.djl.nn.Block;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.Neck;
import io.hdkd.api.export.BlockExporter;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A built feature pyramid: its block, output levels and torchvision state-dict naming. */
final class FpnNeck implements Neck {

    private final FpnBlock block;
    private final List<FeatureLevel> levels;

    FpnNeck(FpnBlock block, List<FeatureLevel> levels) {
        this.block = block;
        this.levels = List.copyOf(levels);
    }

    @Override
    public Block block() {
        return block;
    }

    @Override
    public List<FeatureLevel> levels() {
        return levels;
    }

    @Override
    public Optional<BlockExporter> exporter() {
        return Optional.of(block::export);
    }

    @Override
    public Map<String, String> stateDictNames() {
        return block.torchNames();
    }
}
