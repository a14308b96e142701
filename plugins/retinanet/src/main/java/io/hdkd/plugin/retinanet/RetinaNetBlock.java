package io.hdkd.plugin.retinanet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.ConstantInitializer;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import io.hdkd.api.ForwardScope;
import io.hdkd.api.export.OnnxGraph;
import io.hdkd.api.head.SeededNormalInitializer;
import java.util.ArrayList;
import java.util.List;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The RetinaNet head network: a class tower and a box tower of {@code numConvs x (conv3x3 + ReLU)}, then a conv3x3
 * to {@code A x C} class logits and one to {@code A x 4} box deltas. The same towers (the same parameters) run on
 * every input level.
 *
 * <p>Input: one {@code N x channels x H_l x W_l} map per level. Output: for every level {@code l} the class logits
 * {@code N x (H_l * W_l * A) x C}, then for every level the box deltas {@code N x (H_l * W_l * A) x 4}. Rows are in
 * torchvision's order, location-major (y, then x) and anchor-minor: row {@code (y * W_l + x) * A + a}, so a map can be
 * viewed as {@code N x H_l x W_l x A x C} with a reshape.
 *
 * <p>Initialisation is the paper's: weights normal(0, 0.01), biases 0, and the class bias {@code -log((1 - pi) / pi)}
 * so every anchor starts at foreground probability {@code pi}. Weights come from the run's seed.
 */
final class RetinaNetBlock extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int numClasses;
    private final int numAnchors;
    private final int numLevels;
    private final int numConvs;
    private final SequentialBlock classTower;
    private final Conv2d classLogits;
    private final SequentialBlock boxTower;
    private final Conv2d boxDeltas;

    RetinaNetBlock(int channels, int numClasses, int numAnchors, int numLevels, int numConvs, double priorProb,
            long seed) {
        super(VERSION);
        this.numClasses = numClasses;
        this.numAnchors = numAnchors;
        this.numLevels = numLevels;
        this.numConvs = numConvs;
        // Child names follow torchvision's state dict (classification_head.conv, .cls_logits, ...).
        classTower = addChildBlock("classification_conv", tower(channels, numConvs));
        classLogits = addChildBlock("cls_logits", conv(numAnchors * numClasses));
        boxTower = addChildBlock("regression_conv", tower(channels, numConvs));
        boxDeltas = addChildBlock("bbox_reg", conv(numAnchors * 4));

        long s = seed * 0x9E3779B97F4A7C15L;
        for (Parameter p : getParameters().values()) {
            s += 0x632BE59BD9B14E5DL;
            p.setInitializer(p.getType() == Parameter.Type.BIAS ? Initializer.ZEROS
                    : new SeededNormalInitializer(0.01, s));
        }
        float bias = (float) -Math.log((1 - priorProb) / priorProb);
        classLogits.getParameters().get("bias").setInitializer(new ConstantInitializer(bias));
    }

    /**
     * torchvision's state-dict names of this head's tensors (relative to the head; a whole torchvision RetinaNet
     * prefixes them with {@code head.}), each mapped to the parameter's name in {@link #getParameters()}. The
     * channel layouts agree ({@code a * C + c} for classes, {@code a * 4 + j} for boxes), so tensors copy as they are.
     */
    Map<String, String> torchvisionNames() {
        Map<String, String> names = new LinkedHashMap<>();
        String[][] towers = {
            {"classification_head", "01classification_conv", "cls_logits", "02cls_logits"},
            {"regression_head", "03regression_conv", "bbox_reg", "04bbox_reg"}};
        for (String[] t : towers) {
            for (int i = 0; i < numConvs; i++) {
                String djl = String.format(Locale.ROOT, "%s_%02dConv2d_", t[1], 2 * i + 1);
                names.put(t[0] + ".conv." + i + ".0.weight", djl + "weight");
                names.put(t[0] + ".conv." + i + ".0.bias", djl + "bias");
            }
            names.put(t[0] + "." + t[2] + ".weight", t[3] + "_weight");
            names.put(t[0] + "." + t[2] + ".bias", t[3] + "_bias");
        }
        return names;
    }

    private static SequentialBlock tower(int channels, int numConvs) {
        SequentialBlock tower = new SequentialBlock();
        for (int i = 0; i < numConvs; i++) {
            tower.add(conv(channels)).add(Activation.reluBlock());
        }
        return tower;
    }

    private static Conv2d conv(int filters) {
        return Conv2d.builder()
                .setKernelShape(new Shape(3, 3))
                .optPadding(new Shape(1, 1))
                .setFilters(filters)
                .build();
    }

    @Override
    protected NDList forwardInternal(ParameterStore store, NDList inputs, boolean training,
            PairList<String, Object> params) {
        checkLevels(inputs.size());
        NDList classes = new NDList(numLevels);
        NDList boxes = new NDList(numLevels);
        for (NDArray level : inputs) {
            // Each tower in a scope: only its rows outlive it, the inner activations are released (ForwardScope).
            classes.add(ForwardScope.run(level, x -> toRows(classLogits.forward(store,
                    classTower.forward(store, new NDList(x), training, params), training, params).singletonOrThrow(),
                    numClasses)));
            boxes.add(ForwardScope.run(level, x -> toRows(boxDeltas.forward(store,
                    boxTower.forward(store, new NDList(x), training, params), training, params).singletonOrThrow(),
                    4)));
        }
        classes.addAll(boxes);
        return classes;
    }

    /** The block as ONNX: the same outputs as {@link #forward}, class logits of every level, then box deltas. */
    List<OnnxGraph.Value> export(OnnxGraph g, List<OnnxGraph.Value> inputs) {
        checkLevels(inputs.size());
        List<OnnxGraph.Value> classes = new ArrayList<>();
        List<OnnxGraph.Value> boxes = new ArrayList<>();
        for (OnnxGraph.Value level : inputs) {
            classes.add(toRows(g, g.conv(tower(g, classTower, level), classLogits), numClasses));
            boxes.add(toRows(g, g.conv(tower(g, boxTower, level), boxDeltas), 4));
        }
        classes.addAll(boxes);
        return classes;
    }

    /** A tower is conv, ReLU, conv, ReLU, ...: see {@link #tower(int, int)}. */
    private static OnnxGraph.Value tower(OnnxGraph g, SequentialBlock tower, OnnxGraph.Value x) {
        for (var child : tower.getChildren()) {
            x = child.getValue() instanceof Conv2d conv ? g.conv(x, conv) : g.relu(x);
        }
        return x;
    }

    /** {@link #toRows(NDArray, int)} with symbolic H and W: {@code N x (A*K) x H x W} to {@code N x (H*W*A) x K}. */
    private OnnxGraph.Value toRows(OnnxGraph g, OnnxGraph.Value map, int k) {
        OnnxGraph.Value x = g.reshape(map, 0, numAnchors, k, -1);
        x = g.transpose(x, 0, 3, 1, 2);
        return g.reshape(x, 0, -1, k);
    }

    /** {@code N x (A*K) x H x W} to {@code N x (H*W*A) x K}. */
    private NDArray toRows(NDArray map, int k) {
        Shape s = map.getShape();
        long n = s.get(0);
        long h = s.get(2);
        long w = s.get(3);
        return map.reshape(n, numAnchors, k, h, w).transpose(0, 3, 4, 1, 2).reshape(n, h * w * numAnchors, k);
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        checkLevels(inputShapes.length);
        Shape[] out = new Shape[2 * numLevels];
        for (int i = 0; i < numLevels; i++) {
            Shape s = inputShapes[i];
            long rows = s.get(2) * s.get(3) * numAnchors;
            out[i] = new Shape(s.get(0), rows, numClasses);
            out[numLevels + i] = new Shape(s.get(0), rows, 4);
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
        boxDeltas.initialize(manager, dataType, level);
    }

    private void checkLevels(int given) {
        if (given != numLevels) {
            throw new IllegalArgumentException("the retinanet head expects " + numLevels + " feature levels, got "
                    + given);
        }
    }
}
