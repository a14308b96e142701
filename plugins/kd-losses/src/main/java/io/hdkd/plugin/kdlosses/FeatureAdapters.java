package io.hdkd.plugin.kdlosses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * All adapters of one feature loss as ONE block: per adapted level a 1x1 convolution from the student's channels to
 * the teacher's (bias only without BN), optionally followed by BatchNorm.
 *
 * <p>Contract with the host:
 * <ul>
 *   <li>Initialise once before training with {@code initialize(manager, DataType.FLOAT32)} (no shapes needed: a 1x1
 *       conv only depends on channels, so each adapter initialises itself for {@code (1, C_student, 1, 1)}), or
 *       with one shape per adapted level, in the order of {@link #studentTaps()}, each {@code (N, C_student, H, W)}
 *       of that student tap. Conv weights are drawn from a generator seeded with the run's seed, so the start is
 *       deterministic; do not override the WEIGHT initializer.</li>
 *   <li>Train its parameters with the student's (same optimizer, same device; the loss reads them through a
 *       non-copying {@code ParameterStore}, so gradients land on the parameter arrays themselves). The loss runs it in
 *       training mode, so BatchNorm uses batch statistics (running statistics for a single-location map).</li>
 *   <li>Drop it when saving the student: it only exists to make the loss comparable.</li>
 * </ul>
 * {@link #forward} maps an {@code NDList} of those student taps (same order) to the adapted maps, shape
 * {@code (N, C_teacher, H, W)} each.
 */
public final class FeatureAdapters extends AbstractBlock {

    private static final byte VERSION = 1;

    private final List<LevelPair> adapted;

    /**
     * @param adapted the level pairs that get an adapter, in order
     * @param batchNorm whether a BatchNorm follows each 1x1 conv
     * @param seed the seed the conv weights are drawn with (each level gets its own stream)
     */
    FeatureAdapters(List<LevelPair> adapted, boolean batchNorm, long seed) {
        super(VERSION);
        this.adapted = List.copyOf(adapted);
        for (int i = 0; i < this.adapted.size(); i++) {
            LevelPair pair = this.adapted.get(i);
            SequentialBlock block = new SequentialBlock();
            Conv2d conv = Conv2d.builder()
                    .setKernelShape(new Shape(1, 1))
                    .setFilters(pair.teacher().channels())
                    .optBias(!batchNorm)
                    .build();
            conv.setInitializer(new SeededNormalInitializer(seed * 1_000_003L + i), Parameter.Type.WEIGHT);
            block.add(conv);
            if (batchNorm) {
                block.add(BatchNorm.builder().optAxis(1).build());
            }
            addChildBlock(pair.teacher().name(), block);
        }
    }

    /** The student taps this block expects as inputs, in order. */
    public List<String> studentTaps() {
        return adapted.stream().map(p -> p.student().name()).toList();
    }

    /** The teacher taps the outputs are compared with, in order (also the child block names). */
    public List<String> teacherTaps() {
        return adapted.stream().map(p -> p.teacher().name()).toList();
    }

    /**
     * Adapts one student map: the adapter of the {@code index}-th adapted level. A map with a single location per
     * channel (batch 1, 1x1, e.g. p7 of a small image) runs in inference mode, as BatchNorm cannot take batch
     * statistics of one value.
     */
    NDArray adapt(int index, NDArray student, ParameterStore parameterStore, boolean training) {
        Block block = children.get(index).getValue();
        Shape s = student.getShape();
        boolean batchStatistics = training && s.get(0) * s.get(2) * s.get(3) > 1;
        return block.forward(parameterStore, new NDList(student), batchStatistics).singletonOrThrow();
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
            PairList<String, Object> params) {
        if (inputs.size() != adapted.size()) {
            throw new IllegalArgumentException("adapters expect " + adapted.size() + " inputs " + studentTaps()
                    + ", got " + inputs.size());
        }
        NDList out = new NDList(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            out.add(adapt(i, inputs.get(i), parameterStore, training));
        }
        return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] out = new Shape[inputShapes.length];
        for (int i = 0; i < inputShapes.length; i++) {
            Shape s = inputShapes[i];
            out[i] = new Shape(s.get(0), adapted.get(i).teacher().channels(), s.get(2), s.get(3));
        }
        return out;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        if (inputShapes.length != 0 && inputShapes.length != adapted.size()) {
            throw new IllegalArgumentException("adapters take no shapes or one per adapted level " + studentTaps()
                    + ", got " + inputShapes.length);
        }
        List<Shape> shapes = new ArrayList<>();
        for (int i = 0; i < adapted.size(); i++) {
            int channels = adapted.get(i).student().channels();
            Shape shape = inputShapes.length == 0 ? new Shape(1, channels, 1, 1) : inputShapes[i];
            if (shape.dimension() != 4 || shape.get(1) != channels) {
                throw new IllegalArgumentException("adapter for student tap " + adapted.get(i).student().name()
                        + " expects (N, " + channels + ", H, W), got " + shape);
            }
            shapes.add(shape);
        }
        for (int i = 0; i < adapted.size(); i++) {
            children.get(i).getValue().initialize(manager, dataType, shapes.get(i));
        }
    }

    @Override
    public String toString() {
        return "FeatureAdapters" + teacherTaps();
    }
}
