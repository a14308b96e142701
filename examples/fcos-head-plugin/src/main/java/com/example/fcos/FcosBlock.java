package com.example.fcos;

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
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import io.hdkd.api.Scalars;
import io.hdkd.api.export.OnnxGraph;
import io.hdkd.api.head.SeededNormalInitializer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The FCOS head network. A class tower and a box tower of {@code numConvs x (conv3x3 + GroupNorm + ReLU)}, shared by
 * all levels; on the class tower a conv3x3 to {@code C} class logits, on the box tower a conv3x3 to the four distances
 * and one to the centerness logit (centerness on the regression branch, as in later FCOS versions).
 *
 * <p>Distances are {@code exp(s_l * x) * stride_l} pixels with a learned scale {@code s_l} per level (init 1): the
 * exp keeps them positive, the stride lets every level regress values near 1.
 *
 * <p>Output, for input levels {@code l = 0..L-1} of {@code N x channels x H_l x W_l}: {@code cls_l}
 * ({@code N x H_l W_l x C}) for every level, then {@code box_l} ({@code N x H_l W_l x 4}, distances
 * {@code l, t, r, b} in input pixels), then {@code ctr_l} ({@code N x H_l W_l x 1} logits). Rows are
 * {@code y * W_l + x}.
 */
final class FcosBlock extends AbstractBlock {

    private static final byte VERSION = 1;
    /** exp(10) x stride is far beyond any image; keeps a diverging early step from overflowing to infinity. */
    private static final double MAX_LOG_DISTANCE = 10;

    private final int numClasses;
    private final int[] strides;
    private final SequentialBlock classTower;
    private final Conv2d classLogits;
    private final SequentialBlock boxTower;
    private final Conv2d boxDistances;
    private final Conv2d centerness;
    private final List<Parameter> scales = new ArrayList<>();

    FcosBlock(int channels, int numClasses, int[] strides, FcosConfig config, long seed) {
        super(VERSION);
        this.numClasses = numClasses;
        this.strides = strides.clone();
        classTower = addChildBlock("cls_tower", tower(channels, config.numConvs(), config.groupNormGroups()));
        classLogits = addChildBlock("cls_logits", conv(numClasses));
        boxTower = addChildBlock("box_tower", tower(channels, config.numConvs(), config.groupNormGroups()));
        boxDistances = addChildBlock("box_pred", conv(4));
        centerness = addChildBlock("centerness", conv(1));
        for (int l = 0; l < strides.length; l++) {
            scales.add(addParameter(Parameter.builder().setName("scale_" + l).setType(Parameter.Type.OTHER)
                    .optShape(new Shape(1)).build()));
        }

        // The paper's initialisation: conv weights normal(0, 0.01) from the run's seed, biases 0, and the class
        // bias at -log((1 - pi) / pi) so that every location starts at foreground probability pi.
        long s = seed * 0x9E3779B97F4A7C15L;
        for (Parameter p : getParameters().values()) {
            s += 0x632BE59BD9B14E5DL;
            if (p.getType() == Parameter.Type.WEIGHT) {
                p.setInitializer(new SeededNormalInitializer(0.01, s));
            } else if (p.getType() == Parameter.Type.BIAS) {
                p.setInitializer(Initializer.ZEROS);
            }
        }
        for (Parameter scale : scales) {
            scale.setInitializer(Initializer.ONES);
        }
        float bias = (float) -Math.log((1 - config.priorProb()) / config.priorProb());
        classLogits.getParameters().get("bias").setInitializer(new ConstantInitializer(bias));
    }

    private static SequentialBlock tower(int channels, int numConvs, int groups) {
        SequentialBlock tower = new SequentialBlock();
        for (int i = 0; i < numConvs; i++) {
            tower.add(conv(channels));
            if (groups > 0) {
                tower.add(new GroupNorm(groups, channels));
            }
            tower.add(Activation.reluBlock());
        }
        return tower;
    }

    private static Conv2d conv(int filters) {
        return Conv2d.builder().setKernelShape(new Shape(3, 3)).optPadding(new Shape(1, 1)).setFilters(filters)
                .build();
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        checkLevels(inputs.size());
        NDList classes = new NDList();
        NDList boxes = new NDList();
        NDList centres = new NDList();
        for (int l = 0; l < inputs.size(); l++) {
            NDArray level = inputs.get(l);
            NDArray c = classTower.forward(store, new NDList(level), training, params).singletonOrThrow();
            classes.add(toRows(classLogits.forward(store, new NDList(c), training, params).singletonOrThrow()));
            NDArray b = boxTower.forward(store, new NDList(level), training, params).singletonOrThrow();
            NDArray x = toRows(boxDistances.forward(store, new NDList(b), training, params).singletonOrThrow());
            NDArray scale = store.getValue(scales.get(l), level.getDevice(), training);
            NDArray logDistance = Scalars.minimum(x.mul(scale), MAX_LOG_DISTANCE);
            boxes.add(Scalars.mul(logDistance.exp(), strides[l]));
            centres.add(toRows(centerness.forward(store, new NDList(b), training, params).singletonOrThrow()));
        }
        NDList out = new NDList(classes);
        out.addAll(boxes);
        out.addAll(centres);
        return out;
    }

    /**
     * The block as ONNX, the same outputs in the same order as {@link #forward}. The distances' element-wise steps
     * (scale, clamp, exp, stride) run on the map before its rows are formed: the same values, and the outputs keep
     * their known rank.
     */
    List<OnnxGraph.Value> export(OnnxGraph g, List<OnnxGraph.Value> inputs) {
        checkLevels(inputs.size());
        List<OnnxGraph.Value> classes = new ArrayList<>();
        List<OnnxGraph.Value> boxes = new ArrayList<>();
        List<OnnxGraph.Value> centres = new ArrayList<>();
        try (NDManager m = NDManager.newBaseManager()) {
            for (int l = 0; l < inputs.size(); l++) {
                OnnxGraph.Value level = inputs.get(l);
                OnnxGraph.Value c = exportTower(g, classTower, level);
                classes.add(exportRows(g, g.conv(c, classLogits), numClasses));
                OnnxGraph.Value b = exportTower(g, boxTower, level);
                OnnxGraph.Value x = g.conv(b, boxDistances);
                OnnxGraph.Value scaled = op(g, "Mul", x, g.constant("fcos_scale_" + l,
                        m.create(scales.get(l).getArray().toFloatArray())));
                OnnxGraph.Value clamped = op(g, "Min", scaled,
                        g.constant("fcos_max_log_distance", m.create(new float[] {(float) MAX_LOG_DISTANCE})));
                OnnxGraph.Value exp = g.node("Exp", List.of(clamped), 1, Map.of()).get(0);
                OnnxGraph.Value distances = op(g, "Mul", exp,
                        g.constant("fcos_stride_" + l, m.create(new float[] {strides[l]})));
                boxes.add(exportRows(g, distances, 4));
                centres.add(exportRows(g, g.conv(b, centerness), 1));
            }
        }
        List<OnnxGraph.Value> out = new ArrayList<>(classes);
        out.addAll(boxes);
        out.addAll(centres);
        return out;
    }

    /** A tower's layers in order: its convolutions, GroupNorms and ReLUs (all it holds, see {@link #tower}). */
    private static OnnxGraph.Value exportTower(OnnxGraph g, SequentialBlock tower, OnnxGraph.Value x) {
        OnnxGraph.Value y = x;
        for (Block layer : tower.getChildren().values()) {
            if (layer instanceof Conv2d conv) {
                y = g.conv(y, conv);
            } else if (layer instanceof GroupNorm norm) {
                y = norm.export(g, y);
            } else {
                y = g.relu(y);
            }
        }
        return y;
    }

    /** {@link #toRows} as ONNX: {@code N x K x H x W} to {@code N x (H W) x K}, for symbolic sizes too. */
    private static OnnxGraph.Value exportRows(OnnxGraph g, OnnxGraph.Value map, int k) {
        return g.reshape(g.transpose(map, 0, 2, 3, 1), 0, -1, k);
    }

    private static OnnxGraph.Value op(OnnxGraph g, String type, OnnxGraph.Value a, OnnxGraph.Value b) {
        return g.node(type, List.of(a, b), 1, Map.of()).get(0);
    }

    /** {@code N x K x H x W} to {@code N x (H W) x K}. */
    private static NDArray toRows(NDArray map) {
        Shape s = map.getShape();
        return map.transpose(0, 2, 3, 1).reshape(s.get(0), s.get(2) * s.get(3), s.get(1));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        checkLevels(inputShapes.length);
        int n = inputShapes.length;
        Shape[] out = new Shape[3 * n];
        for (int l = 0; l < n; l++) {
            Shape s = inputShapes[l];
            long rows = s.get(2) * s.get(3);
            out[l] = new Shape(s.get(0), rows, numClasses);
            out[n + l] = new Shape(s.get(0), rows, 4);
            out[2 * n + l] = new Shape(s.get(0), rows, 1);
        }
        return out;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        checkLevels(inputShapes.length);
        Shape level = inputShapes[0];
        classTower.initialize(manager, dataType, level);
        classLogits.initialize(manager, dataType, level);
        boxTower.initialize(manager, dataType, level);
        boxDistances.initialize(manager, dataType, level);
        centerness.initialize(manager, dataType, level);
    }

    private void checkLevels(int given) {
        if (given != strides.length) {
            throw new IllegalArgumentException("the fcos head expects " + strides.length + " feature levels, got "
                    + given);
        }
    }
}
