package io.hdkd.plugin.fpn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import io.hdkd.api.ForwardScope;
import io.hdkd.api.export.OnnxGraph;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * torchvision's FeaturePyramidNetwork with RetinaNet's LastLevelP6P7: for each pyramid level a lateral 1x1 and an
 * output 3x3 convolution (both with bias), a top-down pathway with nearest-neighbour 2x upsampling, then P6 (3x3
 * stride 2 on P5 or C5) and P7 (3x3 stride 2 on ReLU(P6)).
 *
 * <p>Input: the backbone's feature maps; {@code inputIndices[i]} says which one feeds pyramid level {@code i} (lowest
 * first). Output: the levels selected by {@code outputIndices} out of {@code [pyramid levels..., p6, p7]}.
 */
final class FpnBlock extends AbstractBlock {

    private final int[] inputIndices;
    private final List<Conv2d> laterals = new ArrayList<>();
    private final List<Conv2d> outputs = new ArrayList<>();
    private final Conv2d p6;
    private final Conv2d p7;
    private final boolean extraFromC5;
    private final List<Integer> outputIndices;
    private final Map<Block, String> torchModules = new IdentityHashMap<>();

    FpnBlock(int[] inputIndices, int channels, boolean withP6, boolean withP7, boolean extraFromC5,
            List<Integer> outputIndices) {
        super((byte) 1);
        this.inputIndices = inputIndices.clone();
        this.extraFromC5 = extraFromC5;
        this.outputIndices = List.copyOf(outputIndices);
        for (int i = 0; i < inputIndices.length; i++) {
            laterals.add(addChildBlock("lateral" + i, conv(channels, 1, 1, 0)));
            torchModules.put(laterals.get(i), "inner_blocks." + i + ".0");
        }
        for (int i = 0; i < inputIndices.length; i++) {
            outputs.add(addChildBlock("output" + i, conv(channels, 3, 1, 1)));
            torchModules.put(outputs.get(i), "layer_blocks." + i + ".0");
        }
        p6 = withP6 ? addChildBlock("p6", conv(channels, 3, 2, 1)) : null;
        p7 = withP7 ? addChildBlock("p7", conv(channels, 3, 2, 1)) : null;
        if (p6 != null) {
            torchModules.put(p6, "extra_blocks.p6");
        }
        if (p7 != null) {
            torchModules.put(p7, "extra_blocks.p7");
        }
    }

    /**
     * torchvision 0.14 state-dict names ({@code inner_blocks.0.0.weight}, {@code layer_blocks.2.0.bias},
     * {@code extra_blocks.p6.weight}, ...) to DJL parameter paths.
     */
    Map<String, String> torchNames() {
        Map<String, String> names = new LinkedHashMap<>();
        for (Pair<String, Block> child : getChildren()) {
            String module = torchModules.get(child.getValue());
            for (Pair<String, Parameter> p : child.getValue().getDirectParameters()) {
                names.put(module + "." + p.getKey(), child.getKey() + "_" + p.getKey());
            }
        }
        return names;
    }

    /** A convolution with bias, initialised like torchvision's FPN: kaiming-uniform with a = 1, zero bias. */
    private static Conv2d conv(int filters, int kernel, int stride, int padding) {
        Conv2d conv = Conv2d.builder()
                .setFilters(filters)
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(padding, padding))
                .optBias(true)
                .build();
        // U(-b, b) with b = sqrt(3 / fan_in), which is kaiming_uniform_(a=1).
        conv.setInitializer(new XavierInitializer(XavierInitializer.RandomType.UNIFORM,
                XavierInitializer.FactorType.IN, 3), Parameter.Type.WEIGHT);
        return conv;
    }

    /**
     * Nearest-neighbour upsampling of {@code x} to {@code height x width}, for a target at most twice as large:
     * repeat every row and column twice, then crop. For targets of size 2n or 2n - 1 (what a stride-2 convolution
     * leaves behind) this picks the same source pixels as torch's {@code interpolate(size=..., mode="nearest")},
     * whose source index is {@code floor(i * n / size)}.
     */
    static NDArray upsampleNearest(NDArray x, long height, long width) {
        NDArray up = x.repeat(2, 2).repeat(3, 2);
        Shape s = up.getShape();
        if (s.get(2) == height && s.get(3) == width) {
            return up;
        }
        return up.get(new NDIndex(":, :, :{}, :{}", height, width));
    }

    @Override
    protected NDList forwardInternal(
            ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        // Laterals, upsampled maps and sums are released when the pyramid is built (ForwardScope says why).
        return ForwardScope.run(inputs, in -> pyramid(ps, in, training, params));
    }

    private NDList pyramid(ParameterStore ps, NDList inputs, boolean training, PairList<String, Object> params) {
        int n = inputIndices.length;
        NDArray[] results = new NDArray[n];
        NDArray last = lateral(ps, inputs, n - 1, training, params);
        results[n - 1] = output(ps, last, n - 1, training, params);
        for (int i = n - 2; i >= 0; i--) {
            NDArray lateral = lateral(ps, inputs, i, training, params);
            Shape s = lateral.getShape();
            last = lateral.add(upsampleNearest(last, s.get(2), s.get(3)));
            results[i] = output(ps, last, i, training, params);
        }
        List<NDArray> all = new ArrayList<>(List.of(results));
        if (p6 != null) {
            NDArray source = extraFromC5 ? inputs.get(inputIndices[n - 1]) : results[n - 1];
            NDArray p6Out = p6.forward(ps, new NDList(source), training, params).singletonOrThrow();
            all.add(p6Out);
            if (p7 != null) {
                all.add(p7.forward(ps, new NDList(Activation.relu(p6Out)), training, params).singletonOrThrow());
            }
        }
        NDList out = new NDList(outputIndices.size());
        for (int index : outputIndices) {
            out.add(all.get(index));
        }
        return out;
    }

    /** The same pyramid as ONNX: nearest upsampling to each lateral's size (torch's floor rule), as forward does. */
    List<OnnxGraph.Value> export(OnnxGraph g, List<OnnxGraph.Value> inputs) {
        int n = inputIndices.length;
        OnnxGraph.Value[] results = new OnnxGraph.Value[n];
        OnnxGraph.Value last = g.conv(inputs.get(inputIndices[n - 1]), laterals.get(n - 1));
        results[n - 1] = g.conv(last, outputs.get(n - 1));
        for (int i = n - 2; i >= 0; i--) {
            OnnxGraph.Value lateral = g.conv(inputs.get(inputIndices[i]), laterals.get(i));
            last = g.add(lateral, g.resizeTo(last, lateral, OnnxGraph.Interpolation.NEAREST));
            results[i] = g.conv(last, outputs.get(i));
        }
        List<OnnxGraph.Value> all = new ArrayList<>(List.of(results));
        if (p6 != null) {
            OnnxGraph.Value source = extraFromC5 ? inputs.get(inputIndices[n - 1]) : results[n - 1];
            OnnxGraph.Value p6Out = g.conv(source, p6);
            all.add(p6Out);
            if (p7 != null) {
                all.add(g.conv(g.relu(p6Out), p7));
            }
        }
        List<OnnxGraph.Value> out = new ArrayList<>();
        for (int index : outputIndices) {
            out.add(all.get(index));
        }
        return out;
    }

    private NDArray lateral(ParameterStore ps, NDList inputs, int i, boolean training, PairList<String, Object> params) {
        return laterals.get(i).forward(ps, new NDList(inputs.get(inputIndices[i])), training, params).singletonOrThrow();
    }

    private NDArray output(ParameterStore ps, NDArray x, int i, boolean training, PairList<String, Object> params) {
        return outputs.get(i).forward(ps, new NDList(x), training, params).singletonOrThrow();
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        List<Shape> all = new ArrayList<>();
        for (int i = 0; i < inputIndices.length; i++) {
            Shape in = inputShapes[inputIndices[i]];
            all.add(outputs.get(i).getOutputShapes(laterals.get(i).getOutputShapes(new Shape[] {in}))[0]);
        }
        if (p6 != null) {
            Shape source = extraFromC5 ? inputShapes[inputIndices[inputIndices.length - 1]] : all.get(inputIndices.length - 1);
            Shape p6Shape = p6.getOutputShapes(new Shape[] {source})[0];
            all.add(p6Shape);
            if (p7 != null) {
                all.add(p7.getOutputShapes(new Shape[] {p6Shape})[0]);
            }
        }
        return outputIndices.stream().map(all::get).toArray(Shape[]::new);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape p5 = null;
        for (int i = 0; i < inputIndices.length; i++) {
            Shape lateral = initialize(laterals.get(i), manager, dataType, inputShapes[inputIndices[i]]);
            p5 = initialize(outputs.get(i), manager, dataType, lateral);
        }
        if (p6 != null) {
            Shape source = extraFromC5 ? inputShapes[inputIndices[inputIndices.length - 1]] : p5;
            Shape p6Shape = initialize(p6, manager, dataType, source);
            if (p7 != null) {
                initialize(p7, manager, dataType, p6Shape);
            }
        }
    }

    private static Shape initialize(Conv2d conv, NDManager manager, DataType dataType, Shape in) {
        conv.initialize(manager, dataType, in);
        return conv.getOutputShapes(new Shape[] {in})[0];
    }
}
