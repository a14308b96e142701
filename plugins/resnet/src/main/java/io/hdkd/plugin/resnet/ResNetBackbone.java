package io.hdkd.plugin.resnet;

import ai.djl.nn.Block;
import io.hdkd.api.Backbone;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.export.BlockExporter;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A built ResNet: its block, the levels it outputs and its torchvision state-dict naming. */
final class ResNetBackbone implements Backbone {

    private final ResNetBlock block;
    private final List<FeatureLevel> levels;

    ResNetBackbone(ResNetBlock block, List<FeatureLevel> levels) {
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
        return Optional.of((graph, inputs) -> block.export(graph, inputs.get(0)));
    }

    @Override
    public Map<String, String> stateDictNames() {
        return TorchNames.of(block);
    }
}
