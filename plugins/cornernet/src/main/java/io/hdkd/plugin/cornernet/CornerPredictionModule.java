package io.hdkd.plugin.cornernet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.PairList;
import io.hdkd.api.export.OnnxGraph;
import java.util.List;

/**
 * The prediction module of one corner type (CornerNet, Fig. 7) followed by its three output heads.
 *
 * <pre>
 * x ─┬─ 3x3 conv-BN-ReLU ─┐
 *    ├─ 3x3 conv-BN-ReLU ─┴─ corner pool (sum of two directional maxima) ─ 3x3 conv-BN ─┐
 *    └─ 1x1 conv-BN (skip) ───────────────────────────────────────────────────────────── + ─ ReLU ─ 3x3 conv-BN-ReLU ─ f
 * f ─ 3x3 conv-ReLU ─ 1x1 conv → heatmap logits (C, bias −2.19), embedding (1), offset (2)
 * </pre>
 *
 * <p>Input N x Cin x H x W; outputs, in order, heatmap N x C x H x W, embedding N x 1 x H x W, offset N x 2 x H x W
 * (x then y, in feature cells).
 */
final class CornerPredictionModule extends AbstractBlock {

    /** The paper's focal prior: sigmoid(−2.19) ≈ 0.1 initial corner probability, so early training is not swamped. */
    static final float HEATMAP_BIAS_PRIOR = -2.19f;
    /** Standard deviation of the output heads' last conv weights. */
    static final float OUTPUT_WEIGHT_STD = 0.01f;

    /** DJL's default BatchNorm epsilon, which {@link #convBn} keeps. */
    static final float BN_EPSILON = 1e-5f;

    private final boolean topLeft;
    private final int numClasses;
    private final Block branchA;
    private final Block branchB;
    private final Block pooledConv;
    private final Block skip;
    private final Block fuse;
    private final Block heatmap;
    private final Block embedding;
    private final Block offset;

    CornerPredictionModule(boolean topLeft, int channels, int numClasses) {
        this.topLeft = topLeft;
        this.numClasses = numClasses;
        branchA = addChildBlock("branch_a", convBn(channels, 3, true));
        branchB = addChildBlock("branch_b", convBn(channels, 3, true));
        pooledConv = addChildBlock("pooled_conv", convBn(channels, 3, false));
        skip = addChildBlock("skip", convBn(channels, 1, false));
        fuse = addChildBlock("fuse", convBn(channels, 3, true));
        heatmap = addChildBlock("heatmap", outputHead(channels, numClasses));
        embedding = addChildBlock("embedding", outputHead(channels, 1));
        offset = addChildBlock("offset", outputHead(channels, 2));
        // Xavier for the conv weights so the block initialises on its own (DJL's default would need a trainer's).
        setInitializer(new XavierInitializer(), Parameter.Type.WEIGHT);
        // The last conv of each output head starts near zero (as RetinaNet's heads): with Xavier weights the
        // initial heatmap logits spread over several units, the focal loss over all negatives is in the hundreds
        // and the first steps only undo the initialisation. Only the heatmap head's bias carries the prior.
        for (Block head : List.of(heatmap, embedding, offset)) {
            lastConv(head).setInitializer(new NormalInitializer(OUTPUT_WEIGHT_STD), Parameter.Type.WEIGHT);
        }
        lastConv(heatmap).setInitializer(new ConstantInitializer(HEATMAP_BIAS_PRIOR), Parameter.Type.BIAS);
    }

    private static Block lastConv(Block outputHead) {
        return ((SequentialBlock) outputHead).getChildren().get(2).getValue();
    }

    private static Block convBn(int filters, int kernel, boolean relu) {
        SequentialBlock block = new SequentialBlock()
                .add(conv(filters, kernel, false))
                .add(BatchNorm.builder().build());
        if (relu) {
            block.add(Activation::relu);
        }
        return block;
    }

    private static Block outputHead(int channels, int outputs) {
        return new SequentialBlock()
                .add(conv(channels, 3, true))
                .add(Activation::relu)
                .add(conv(outputs, 1, true));
    }

    private static Conv2d conv(int filters, int kernel, boolean bias) {
        int pad = kernel / 2;
        return Conv2d.builder()
                .setKernelShape(new Shape(kernel, kernel))
                .optPadding(new Shape(pad, pad))
                .setFilters(filters)
                .optBias(bias)
                .build();
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray x = inputs.singletonOrThrow();
        NDArray a = branchA.forward(store, new NDList(x), training, params).singletonOrThrow();
        NDArray b = branchB.forward(store, new NDList(x), training, params).singletonOrThrow();
        NDArray pooled = topLeft ? CornerPooling.topLeft(a, b) : CornerPooling.bottomRight(a, b);
        NDArray p = pooledConv.forward(store, new NDList(pooled), training, params).singletonOrThrow();
        NDArray s = skip.forward(store, new NDList(x), training, params).singletonOrThrow();
        NDArray merged = Activation.relu(p.add(s));
        NDList f = fuse.forward(store, new NDList(merged), training, params);
        return new NDList(
                heatmap.forward(store, f, training, params).singletonOrThrow(),
                embedding.forward(store, f, training, params).singletonOrThrow(),
                offset.forward(store, f, training, params).singletonOrThrow());
    }

    /** The module as ONNX, in inference mode: heatmap, embedding and offset. */
    List<OnnxGraph.Value> export(OnnxGraph g, OnnxGraph.Value x) {
        OnnxGraph.Value a = sequence(g, branchA, x);
        OnnxGraph.Value b = sequence(g, branchB, x);
        OnnxGraph.Value pooled = topLeft ? CornerPooling.exportTopLeft(g, a, b) : CornerPooling.exportBottomRight(g, a, b);
        OnnxGraph.Value merged = g.relu(g.add(sequence(g, pooledConv, pooled), sequence(g, skip, x)));
        OnnxGraph.Value f = sequence(g, fuse, merged);
        return List.of(sequence(g, heatmap, f), sequence(g, embedding, f), sequence(g, offset, f));
    }

    /**
     * A {@link #convBn} or {@link #outputHead} sequence: a convolution followed by a BatchNorm folds into one; the
     * only other blocks these sequences hold are the ReLU lambdas.
     */
    private static OnnxGraph.Value sequence(OnnxGraph g, Block block, OnnxGraph.Value x) {
        List<Block> children = block.getChildren().values();
        for (int i = 0; i < children.size(); i++) {
            Block child = children.get(i);
            if (child instanceof Conv2d conv) {
                if (i + 1 < children.size() && children.get(i + 1) instanceof BatchNorm norm) {
                    x = g.convBatchNorm(x, conv, norm, BN_EPSILON);
                    i++;
                } else {
                    x = g.conv(x, conv);
                }
            } else {
                x = g.relu(x);
            }
        }
        return x;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape in = inputShapes[0];
        return new Shape[] {
            new Shape(in.get(0), numClasses, in.get(2), in.get(3)),
            new Shape(in.get(0), 1, in.get(2), in.get(3)),
            new Shape(in.get(0), 2, in.get(2), in.get(3))
        };
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape in = inputShapes[0];
        branchA.initialize(manager, dataType, in);
        branchB.initialize(manager, dataType, in);
        Shape inner = branchA.getOutputShapes(new Shape[] {in})[0];
        pooledConv.initialize(manager, dataType, inner);
        skip.initialize(manager, dataType, in);
        fuse.initialize(manager, dataType, inner);
        heatmap.initialize(manager, dataType, inner);
        embedding.initialize(manager, dataType, inner);
        offset.initialize(manager, dataType, inner);
    }
}
