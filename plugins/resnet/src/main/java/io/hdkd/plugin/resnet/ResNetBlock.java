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
import ai.djl.nn.pooling.Pool;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import io.hdkd.api.ForwardScope;
import io.hdkd.api.export.OnnxGraph;
import java.util.ArrayList;
import java.util.List;

/**
 * torchvision's ResNet without avgpool and fc: stem ({@code conv1} 7x7/2, {@code bn1}, ReLU, max-pool 3x3/2 pad 1),
 * then {@code layer1..layer4}. Returns the outputs of the stages listed in {@code outStages} (1 = layer1 = c2, ...);
 * stages above the last listed one are kept (for state-dict compatibility) but neither run nor trained.
 *
 * <p>Frozen stages (stem and layer1..layer{@code frozenStages}) get no gradient and their BatchNorm always runs in
 * inference mode, because DJL's freeze alone would still move the running statistics. With {@code normEval} every
 * BatchNorm runs in inference mode (its affine parameters still train unless frozen).
 */
public final class ResNetBlock extends AbstractBlock {

    private final Conv2d stemConv;
    private final BatchNorm stemNorm;
    private final List<Stage> stages = new ArrayList<>();
    private final List<Integer> outStages;
    private final int frozenStages;
    private final boolean normEval;

    ResNetBlock(ResNetSpec spec, ResNetWidths widths, int frozenStages, boolean normEval, List<Integer> outStages) {
        super((byte) 1);
        this.outStages = List.copyOf(outStages);
        this.frozenStages = frozenStages;
        this.normEval = normEval;
        stemConv = addChildBlock("conv1", Layers.conv(widths.stem(), 7, 2, 3, 1));
        stemNorm = addChildBlock("bn1", Layers.batchNorm());
        int inChannels = widths.stem();
        for (int s = 0; s < 4; s++) {
            int planes = widths.planes(s);
            int stride = s == 0 ? 1 : 2;
            List<ResidualUnit> units = new ArrayList<>();
            for (int u = 0; u < spec.units().get(s); u++) {
                int unitStride = u == 0 ? stride : 1;
                units.add(spec.bottleneck()
                        ? ResidualUnit.bottleneck(inChannels, planes, widths.groupedWidth(s), spec.groups(), unitStride)
                        : ResidualUnit.basic(inChannels, planes, unitStride));
                inChannels = planes * spec.expansion();
            }
            stages.add(addChildBlock("layer" + (s + 1), new Stage(units)));
        }
        if (frozenStages >= 1) {
            stemConv.freezeParameters(true);
            stemNorm.freezeParameters(true);
        }
        for (int s = 0; s < frozenStages; s++) {
            stages.get(s).freezeParameters(true);
        }
        // Stages above the last output level never run: freeze them so optimizers (weight decay included) and
        // parameter summaries leave them alone.
        // They stay in the block so torchvision state dicts still load whole.
        for (int s = this.outStages.get(this.outStages.size() - 1); s < 4; s++) {
            stages.get(s).freezeParameters(true);
        }
    }

    /** The number of frozen stages (0 = none, 1 = stem and layer1, ...). */
    public int frozenStages() {
        return frozenStages;
    }

    /** True if every BatchNorm runs in inference mode. */
    public boolean normEval() {
        return normEval;
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        // BatchNorm of stage i (0 = stem) learns statistics only if training, not norm-eval and not frozen.
        boolean stemTraining = training && !normEval && frozenStages < 1;
        // The stem in a scope of its own: only the pooled map outlives it (ForwardScope says why).
        NDList x = ForwardScope.run(inputs, in -> {
            NDList c = stemNorm.forward(ps, stemConv.forward(ps, in, training, params), stemTraining, params);
            NDArray y = Activation.relu(c.singletonOrThrow());
            return new NDList(Pool.maxPool2d(y, new Shape(3, 3), new Shape(2, 2), new Shape(1, 1), false));
        });
        NDList out = new NDList(outStages.size());
        int last = outStages.get(outStages.size() - 1);
        for (int s = 1; s <= last; s++) {
            boolean stageTraining = training && !normEval && frozenStages < s;
            NDList next = stages.get(s - 1).forward(ps, x, stageTraining, params);
            if (!outStages.contains(s - 1)) {  // the stem's or an unreturned stage's output: only this stage read it
                ForwardScope.release(x, next);
            }
            x = next;
            if (outStages.contains(s)) {
                out.add(x.singletonOrThrow());
            }
        }
        return out;
    }

    /**
     * The block as ONNX, in inference mode (every BatchNorm on its running statistics, folded into its convolution,
     * whatever the training settings): the outputs of {@code outStages}, in order.
     */
    List<OnnxGraph.Value> export(OnnxGraph g, OnnxGraph.Value images) {
        OnnxGraph.Value x = g.relu(g.convBatchNorm(images, stemConv, stemNorm, Layers.BN_EPSILON));
        x = g.maxPool(x, 3, 2, 1);
        List<OnnxGraph.Value> out = new ArrayList<>();
        int last = outStages.get(outStages.size() - 1);
        for (int s = 1; s <= last; s++) {
            x = stages.get(s - 1).export(g, x);
            if (outStages.contains(s)) {
                out.add(x);
            }
        }
        return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape s = stemConv.getOutputShapes(inputShapes)[0];
        s = poolShape(s);
        List<Shape> out = new ArrayList<>();
        for (int i = 1; i <= 4; i++) {
            s = stages.get(i - 1).getOutputShapes(new Shape[] {s})[0];
            if (outStages.contains(i)) {
                out.add(s);
            }
        }
        return out.toArray(new Shape[0]);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape s = Layers.init(stemConv, manager, dataType, inputShapes[0]);
        s = poolShape(Layers.init(stemNorm, manager, dataType, s));
        for (Stage stage : stages) {
            s = Layers.init(stage, manager, dataType, s);
        }
    }

    /** Max-pool 3x3, stride 2, padding 1: floor((n + 2 - 3) / 2) + 1. */
    private static Shape poolShape(Shape s) {
        return new Shape(s.get(0), s.get(1), (s.get(2) - 1) / 2 + 1, (s.get(3) - 1) / 2 + 1);
    }
}
