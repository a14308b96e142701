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
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The trainable parts of the {@code hdkd} loss as ONE block (the host initialises it with
 * {@code initialize(manager, FLOAT32)} and no shapes, trains it with the student and drops it at save):
 * <ul>
 *   <li>{@code align}: 1x1 convs from student to teacher channels for the levels where they differ
 *       ({@link FeatureAdapters}); absent when all levels agree;</li>
 *   <li>{@code subspace-k}: one {@link SubspaceAdapter} per subspace, teacher channels to teacher channels;</li>
 *   <li>the combination: {@code K x K} logits, row {@code j} softmax-normalised into the weights with which the
 *       locations of subspace {@code j} mix the K adapted maps ({@link Combination#WEIGHTS}),
 *       or a 1x1 conv {@code attention} from the aligned student map to {@code K} per-location logits
 *       ({@link Combination#ATTENTION}); nothing for {@link Combination#OFF}.</li>
 * </ul>
 * {@link #forward} maps one aligned student map {@code (N, C, H, W)} to the K adapted maps.
 */
final class HdkdAdapters extends AbstractBlock {

    /** How the subspaces' adapted maps form the final student map. */
    enum Combination {
        /** Each location takes the adapted map of its own subspace (hard routing by the partition). */
        OFF,
        /**
         * Per subspace j, a learned softmax over the K adapters, used at j's locations. (One global mix would not
         * do: a weighted sum of linear adapters is one linear adapter, so the subspaces would collapse into one.)
         */
        WEIGHTS,
        /** A learned per-location softmax over K, predicted by a 1x1 conv from the student's features. */
        ATTENTION
    }

    private static final byte VERSION = 1;

    private final FeatureAdapters align;
    private final List<SubspaceAdapter> subspaces = new ArrayList<>();
    private final Combination combination;
    private final int channels;
    private final Parameter logits;
    private final Conv2d attention;

    /**
     * @param align the student-to-teacher channel adapters, or null when no level needs one
     * @param channels the teacher's channels C (all distilled levels share it)
     * @param subspaceCount K
     * @param groups G of each subspace adapter's grouped conv
     * @param kernel the subspace adapters' kernel size (odd)
     */
    HdkdAdapters(FeatureAdapters align, int channels, int subspaceCount, int groups, int kernel,
            Combination combination, long seed) {
        super(VERSION);
        this.align = align;
        this.channels = channels;
        this.combination = combination;
        if (align != null) {
            addChildBlock("align", align);
        }
        for (int k = 0; k < subspaceCount; k++) {
            SubspaceAdapter adapter = new SubspaceAdapter(channels, groups, kernel, seed * 1_000_003L + 7919L * (k + 1));
            subspaces.add(addChildBlock("subspace-" + k, adapter));
        }
        if (combination == Combination.WEIGHTS) {
            logits = addParameter(Parameter.builder()
                    .setName("combination")
                    .setType(Parameter.Type.OTHER)
                    .optShape(new Shape(subspaceCount, subspaceCount))
                    .optInitializer(HdkdAdapters::ownSubspaceFirst)
                    .optRequiresGrad(true)
                    .build());
            attention = null;
        } else if (combination == Combination.ATTENTION) {
            logits = null;
            attention = Conv2d.builder().setKernelShape(new Shape(1, 1)).setFilters(subspaceCount).build();
            attention.setInitializer(new SeededNormalInitializer(seed * 1_000_003L + 104_729L), Parameter.Type.WEIGHT);
            addChildBlock("attention", attention);
        } else {
            logits = null;
            attention = null;
        }
    }

    /** The share of a subspace's own adapter in its locations' mix at the start of training. */
    static final double OWN_SHARE = 0.9;

    /**
     * Logits whose row-wise softmax gives each subspace's own adapter {@link #OWN_SHARE} and the others an equal
     * rest: training starts close to "each subspace uses its own adapter" and learns how much to borrow.
     */
    private static NDArray ownSubspaceFirst(NDManager manager, Shape shape, DataType dataType) {
        int k = Math.toIntExact(shape.get(0));
        float own = k == 1 ? 0f : (float) Math.log(OWN_SHARE / (1 - OWN_SHARE) * (k - 1));
        float[] values = new float[k * k];
        for (int j = 0; j < k; j++) {
            values[j * k + j] = own;
        }
        return manager.create(values, shape).toType(dataType, false);
    }

    FeatureAdapters align() {
        return align;
    }

    List<SubspaceAdapter> subspaces() {
        return subspaces;
    }

    Combination combination() {
        return combination;
    }

    /** The {@code K x K} combination logits (row j: how subspace j's locations mix the K adapters). */
    NDArray logits(ParameterStore parameterStore, NDArray like) {
        return parameterStore.getValue(logits, like.getDevice(), true);
    }

    /** Per-location softmax over K from the aligned student map: {@code (N, K, H, W)}. */
    NDArray attention(NDArray aligned, ParameterStore parameterStore, boolean training) {
        return attention.forward(parameterStore, new NDList(aligned), training).singletonOrThrow().softmax(1);
    }

    /** Sets every subspace adapter's channel grouping. */
    void setGrouping(ChannelGrouping grouping) {
        subspaces.forEach(s -> s.setGrouping(grouping));
    }

    @Override
    protected NDList forwardInternal(ParameterStore parameterStore, NDList inputs, boolean training,
            PairList<String, Object> params) {
        NDArray aligned = inputs.singletonOrThrow();
        NDList out = new NDList(subspaces.size());
        for (SubspaceAdapter s : subspaces) {
            out.add(s.adapt(aligned, parameterStore, training));
        }
        return out;
    }

    @Override
    public Shape[] getOutputShapes(Shape[] inputShapes) {
        Shape[] out = new Shape[subspaces.size()];
        Arrays.fill(out, inputShapes[0]);
        return out;
    }

    @Override
    protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
        if (align != null) {
            align.initialize(manager, dataType);
        }
        Shape shape = new Shape(1, channels, 1, 1);
        for (SubspaceAdapter s : subspaces) {
            s.initialize(manager, dataType, shape);
        }
        if (attention != null) {
            attention.initialize(manager, dataType, shape);
        }
    }

    @Override
    public String toString() {
        return "HdkdAdapters(K=" + subspaces.size() + ", G=" + subspaces.get(0).groups() + ", " + combination + ")";
    }
}
