package io.hdkd.plugin.resnet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.hdkd.api.export.OnnxGraph;
import java.util.ArrayList;
import java.util.List;

/**
 * One residual unit of torchvision's ResNet: {@code BasicBlock} (3x3, 3x3) or {@code Bottleneck} (1x1, 3x3 with the
 * stride and the groups, 1x1 expanding by 4), each convolution followed by BatchNorm, ReLU after every BatchNorm but
 * the last, ReLU after the residual sum. Children are named {@code conv1, bn1, ..., downsample} as torchvision's.
 */
final class ResidualUnit extends AbstractBlock {

    private final List<Conv2d> convs = new ArrayList<>();
    private final List<BatchNorm> norms = new ArrayList<>();
    private final Downsample downsample;

    private ResidualUnit(int[][] convSpecs, Downsample downsample) {
        super((byte) 1);
        for (int i = 0; i < convSpecs.length; i++) {
            int[] s = convSpecs[i]; // filters, kernel, stride, padding, groups
            convs.add(addChildBlock("conv" + (i + 1), Layers.conv(s[0], s[1], s[2], s[3], s[4])));
            norms.add(addChildBlock("bn" + (i + 1), Layers.batchNorm()));
        }
        this.downsample = downsample == null ? null : addChildBlock("downsample", downsample);
    }

    /** torchvision's BasicBlock (expansion 1). */
    static ResidualUnit basic(int inChannels, int planes, int stride) {
        Downsample ds = stride != 1 || inChannels != planes ? new Downsample(planes, stride) : null;
        return new ResidualUnit(new int[][] {{planes, 3, stride, 1, 1}, {planes, 3, 1, 1, 1}}, ds);
    }

    /** torchvision's Bottleneck (v1.5: the stride sits on the 3x3), {@code width} already includes the groups. */
    static ResidualUnit bottleneck(int inChannels, int planes, int width, int groups, int stride) {
        int out = planes * 4;
        Downsample ds = stride != 1 || inChannels != out ? new Downsample(out, stride) : null;
        return new ResidualUnit(
                new int[][] {{width, 1, 1, 0, 1}, {width, 3, stride, 1, groups}, {out, 1, 1, 0, 1}}, ds);
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        NDList x = inputs;
        for (int i = 0; i < convs.size(); i++) {
            x = norms.get(i).forward(ps, convs.get(i).forward(ps, x, training, params), training, params);
            if (i < convs.size() - 1) {
                x = new NDList(Activation.relu(x.singletonOrThrow()));
            }
        }
        NDArray identity = downsample == null
                ? inputs.singletonOrThrow()
                : downsample.forward(ps, inputs, training, params).singletonOrThrow();
        // Without gradients, in place: the last BatchNorm's output is this unit's own fresh array, which nothing else
        // reads, so the sum needs no new activation-sized array (torchvision's `out += identity`); out of place it cost
        // a quarter of R50 inference's elementwise time. With gradients, out of place: DJL's BatchNorm returns a
        // transposed view, and an in-place sum on a view makes autograd copy the gradient back (CopySlices).
        NDArray y = x.singletonOrThrow();
        NDArray sum = y.hasGradient() || identity.hasGradient() ? y.add(identity) : y.addi(identity);
        return new NDList(Activation.relu(sum));
    }

    /** The unit in inference mode: each conv with its BatchNorm folded, the same ReLUs and sum. */
    OnnxGraph.Value export(OnnxGraph g, OnnxGraph.Value input) {
        OnnxGraph.Value x = input;
        for (int i = 0; i < convs.size(); i++) {
            x = g.convBatchNorm(x, convs.get(i), norms.get(i), Layers.BN_EPSILON);
            if (i < convs.size() - 1) {
                x = g.relu(x);
            }
        }
        OnnxGraph.Value identity = downsample == null ? input : downsample.export(g, input);
        return g.relu(g.add(x, identity));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] s = inputShapes;
        for (Conv2d conv : convs) {
            s = conv.getOutputShapes(s);
        }
        return s;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape s = inputShapes[0];
        for (int i = 0; i < convs.size(); i++) {
            s = Layers.init(norms.get(i), manager, dataType, Layers.init(convs.get(i), manager, dataType, s));
        }
        if (downsample != null) {
            downsample.initialize(manager, dataType, inputShapes[0]);
        }
    }
}
