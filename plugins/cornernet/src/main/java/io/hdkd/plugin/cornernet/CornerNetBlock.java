package io.hdkd.plugin.cornernet;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.hdkd.api.export.OnnxGraph;
import java.util.List;

/**
 * The head's block: takes the feature maps of all input levels, reads the one at {@code levelIndex}, and returns
 * {@code tl_heatmap, br_heatmap, tl_embedding, br_embedding, tl_offset, br_offset}.
 */
final class CornerNetBlock extends AbstractBlock {

    private final int levelIndex;
    private final CornerPredictionModule topLeft;
    private final CornerPredictionModule bottomRight;

    CornerNetBlock(int levelIndex, int channels, int numClasses) {
        this.levelIndex = levelIndex;
        topLeft = addChildBlock("top_left", new CornerPredictionModule(true, channels, numClasses));
        bottomRight = addChildBlock("bottom_right", new CornerPredictionModule(false, channels, numClasses));
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDList x = new NDList(inputs.get(levelIndex));
        NDList tl = topLeft.forward(store, x, training, params);
        NDList br = bottomRight.forward(store, x, training, params);
        return new NDList(tl.get(0), br.get(0), tl.get(1), br.get(1), tl.get(2), br.get(2));
    }

    /** The block as ONNX: the same six outputs as {@link #forward}, in the same order. */
    List<OnnxGraph.Value> export(OnnxGraph g, List<OnnxGraph.Value> inputs) {
        List<OnnxGraph.Value> tl = topLeft.export(g, inputs.get(levelIndex));
        List<OnnxGraph.Value> br = bottomRight.export(g, inputs.get(levelIndex));
        return List.of(tl.get(0), br.get(0), tl.get(1), br.get(1), tl.get(2), br.get(2));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] s = topLeft.getOutputShapes(new Shape[] {inputShapes[levelIndex]});
        return new Shape[] {s[0], s[0], s[1], s[1], s[2], s[2]};
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        topLeft.initialize(manager, dataType, inputShapes[levelIndex]);
        bottomRight.initialize(manager, dataType, inputShapes[levelIndex]);
    }
}
