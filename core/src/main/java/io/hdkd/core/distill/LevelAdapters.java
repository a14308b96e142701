package io.hdkd.core.distill;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.PairList;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.head.SeededNormalInitializer;
import java.util.ArrayList;
import java.util.List;

/**
 * The student's feature levels mapped to the channels a teacher's head reads: for each level a trainable 1x1
 * convolution (with bias) where the channel counts differ, the map itself where they agree. It exists only for
 * training and is dropped when the student is saved.
 *
 * <p>Initialise once with {@code initialize(manager, DataType.FLOAT32)} (a 1x1 convolution depends on channels only).
 * The weights are normal with variance {@code 1 / C_student}, so an adapted map keeps about the scale of its input,
 * drawn from the given seed (not the engine's generator); biases start at 0.
 */
public final class LevelAdapters extends AbstractBlock {

    private static final byte VERSION = 1;

    private final List<FeatureLevel> from;
    private final List<FeatureLevel> to;
    /** Per level, its convolution, or null where the channels agree. */
    private final List<Conv2d> convs = new ArrayList<>();

    /**
     * @param from the student's levels, in the order the head reads them
     * @param to the teacher head's levels, same order and count
     * @param seed the run's seed
     */
    public LevelAdapters(List<FeatureLevel> from, List<FeatureLevel> to, long seed) {
        super(VERSION);
        if (from.size() != to.size()) {
            throw new IllegalArgumentException("adapters map " + from.size() + " levels to " + to.size());
        }
        this.from = List.copyOf(from);
        this.to = List.copyOf(to);
        for (int i = 0; i < from.size(); i++) {
            int in = from.get(i).channels();
            int out = to.get(i).channels();
            if (in == out) {
                convs.add(null);
                continue;
            }
            Conv2d conv = Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(out).build();
            conv.setInitializer(new SeededNormalInitializer(Math.sqrt(1.0 / in), seed * 1_000_003L + 7919L * i),
                    Parameter.Type.WEIGHT);
            conv.setInitializer(Initializer.ZEROS, Parameter.Type.BIAS);
            convs.add(addChildBlock(to.get(i).name(), conv));
        }
    }

    /** True if no level needs a convolution (the channels agree everywhere): the block then has no parameters. */
    public boolean isIdentity() {
        return convs.stream().allMatch(c -> c == null);
    }

    @Override
    protected NDList forwardInternal(ParameterStore ps, NDList inputs, boolean training,
            PairList<String, Object> params) {
        if (inputs.size() != convs.size()) {
            throw new IllegalArgumentException("adapters expect " + convs.size() + " levels, got " + inputs.size());
        }
        NDList out = new NDList(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            Conv2d conv = convs.get(i);
            out.add(conv == null ? inputs.get(i)
                    : conv.forward(ps, new NDList(inputs.get(i)), training, params).singletonOrThrow());
        }
        return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] out = new Shape[inputShapes.length];
        for (int i = 0; i < inputShapes.length; i++) {
            Shape s = inputShapes[i];
            out[i] = new Shape(s.get(0), to.get(i).channels(), s.get(2), s.get(3));
        }
        return out;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        for (int i = 0; i < convs.size(); i++) {
            if (convs.get(i) != null) {
                convs.get(i).initialize(manager, dataType, new Shape(1, from.get(i).channels(), 1, 1));
            }
        }
    }

    @Override
    public String toString() {
        return "LevelAdapters" + to.stream().map(FeatureLevel::name).toList();
    }
}
