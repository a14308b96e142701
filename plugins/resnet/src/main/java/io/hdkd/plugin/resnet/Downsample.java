package io.hdkd.plugin.resnet;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.hdkd.api.export.OnnxGraph;

/** The projection shortcut: 1x1 convolution with the unit's stride, then BatchNorm; children named 0 and 1 as in torchvision. */
final class Downsample extends AbstractBlock {

    private final Conv2d conv;
    private final BatchNorm norm;

    Downsample(int outChannels, int stride) {
        super((byte) 1);
        conv = addChildBlock("0", Layers.conv(outChannels, 1, stride, 0, 1));
        norm = addChildBlock("1", Layers.batchNorm());
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList x = conv.forward(ps, inputs, training, params);
        return norm.forward(ps, x, training, params);
    }

    /** The projection as one convolution with the BatchNorm folded in. */
    OnnxGraph.Value export(OnnxGraph g, OnnxGraph.Value x) {
        return g.convBatchNorm(x, conv, norm, Layers.BN_EPSILON);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return norm.getOutputShapes(conv.getOutputShapes(inputShapes));
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Layers.init(norm, manager, dataType, Layers.init(conv, manager, dataType, inputShapes[0]));
    }
}
