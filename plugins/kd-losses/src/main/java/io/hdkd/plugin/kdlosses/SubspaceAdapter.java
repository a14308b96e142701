package io.hdkd.plugin.kdlosses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * The distillation sub-network of one subspace: a {@code k x k} convolution from the (aligned) student's {@code C}
 * channels to the teacher's {@code C}, with {@code G} groups. With a {@link ChannelGrouping} set, the input channels
 * are permuted so that each similarity group is contiguous, the grouped convolution runs (one weight block per group,
 * so similar channels share it), and the outputs are permuted back to the teacher's channel order. Without one the
 * groups are contiguous channel blocks ({@code G = 1}: a plain convolution).
 *
 * <p>Parameters: {@code C * (C / G) * k * k} weights and {@code C} biases. The grouping is not a parameter: it is
 * measured on the first step's teacher features (see {@link HdkdLoss}).
 */
final class SubspaceAdapter extends AbstractBlock {

    private static final byte VERSION = 1;

    private final int channels;
    private final int groups;
    private final Conv2d conv;
    private volatile ChannelGrouping grouping;
    private volatile int[] permutation;
    private volatile int[] inverse;

    SubspaceAdapter(int channels, int groups, int kernel, long seed) {
        super(VERSION);
        if (groups < 1 || channels % groups != 0) {
            throw new IllegalArgumentException(channels + " channels cannot be split into " + groups + " groups");
        }
        this.channels = channels;
        this.groups = groups;
        conv = Conv2d.builder()
                .setKernelShape(new Shape(kernel, kernel))
                .optPadding(new Shape(kernel / 2, kernel / 2))
                .setFilters(channels)
                .optGroups(groups)
                .build();
        conv.setInitializer(new SeededNormalInitializer(seed), Parameter.Type.WEIGHT);
        addChildBlock("conv", conv);
    }

    int groups() {
        return groups;
    }

    /** Makes the convolution's groups follow {@code grouping} (its channel count must be this adapter's). */
    void setGrouping(ChannelGrouping grouping) {
        int[] p = grouping.permutation();
        if (p.length != channels) {
            throw new IllegalArgumentException("grouping of " + p.length + " channels for an adapter of " + channels);
        }
        int[] inv = new int[p.length];
        for (int i = 0; i < p.length; i++) {
            inv[p[i]] = i;
        }
        inverse = inv;
        permutation = p;
        this.grouping = grouping;
    }

    /** The channel grouping the groups follow, or null while they are contiguous channel blocks. */
    ChannelGrouping grouping() {
        return grouping;
    }

    /** The channel order that makes the groups contiguous, or null while no grouping is set. */
    int[] permutation() {
        int[] p = permutation;
        return p == null ? null : p.clone();
    }

    /** Adapts one {@code N x C x H x W} map, in the teacher's channel order. */
    NDArray adapt(NDArray x, ParameterStore parameterStore, boolean training) {
        int[] p = permutation;
        NDArray in = p == null ? x : permute(x, p);
        NDArray out = convolve(in, parameterStore, training);
        return p == null ? out : permute(out, inverse);
    }

    /**
     * The grouped convolution alone, for a map whose channels are already in {@link #permutation()} order (the
     * output is in that order too). The loss permutes student and teacher once per level and compares them in that
     * order (squared error summed over channels does not depend on it), instead of permuting around every adapter.
     */
    NDArray convolve(NDArray permuted, ParameterStore parameterStore, boolean training) {
        return conv.forward(parameterStore, new NDList(permuted), training).singletonOrThrow();
    }

    /** {@code out[:, i] = x[:, order[i]]}, differentiable (a gather along the channel axis). */
    static NDArray permute(NDArray x, int[] order) {
        Shape s = x.getShape();
        NDArray index = x.getManager().create(order).toType(DataType.INT64, false)
                .reshape(1, order.length, 1, 1).broadcast(s);
        return x.gather(index, 1);
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
            PairList<String, Object> params) {
        return new NDList(adapt(inputs.singletonOrThrow(), parameterStore, training));
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        return conv.getOutputShapes(inputShapes);
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        Shape shape = inputShapes.length == 0 ? new Shape(1, channels, 1, 1) : inputShapes[0];
        conv.initialize(manager, dataType, shape);
    }
}
