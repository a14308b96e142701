package io.hdkd.core.weights;

import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;

/**
 * Parameter counts of an initialised block, in elements, as PyTorch would report them: BatchNorm running statistics
 * are buffers there, not parameters, so they are counted apart ({@link #statistics}) and left out of
 * {@link #total}.
 *
 * @param trainable elements of parameters that receive gradients
 * @param frozen elements of learnable parameters that are frozen (no gradient)
 * @param statistics elements of BatchNorm running means and variances
 * @param tensors number of parameter tensors, statistics included
 */
public record ParameterSummary(long trainable, long frozen, long statistics, int tensors) {

    /** Learnable elements, trainable or frozen: what {@code sum(p.numel() for p in model.parameters())} gives. */
    public long total() {
        return trainable + frozen;
    }

    public static ParameterSummary of(Block block) {
        long trainable = 0;
        long frozen = 0;
        long statistics = 0;
        int tensors = 0;
        for (Pair<String, Parameter> pair : block.getParameters()) {
            Parameter p = pair.getValue();
            if (!p.isInitialized()) {
                throw new IllegalStateException("initialize the block before summarising it: " + pair.getKey());
            }
            long size = p.getArray().size();
            tensors++;
            if (isRunningStatistic(p)) {
                statistics += size;
            } else if (p.requiresGradient()) {
                trainable += size;
            } else {
                frozen += size;
            }
        }
        return new ParameterSummary(trainable, frozen, statistics, tensors);
    }

    static boolean isRunningStatistic(Parameter p) {
        return p.getType() == Parameter.Type.RUNNING_MEAN || p.getType() == Parameter.Type.RUNNING_VAR;
    }

    @Override
    public String toString() {
        return String.format(java.util.Locale.ROOT, "%,d parameters (%,d trainable, %,d frozen) + %,d BatchNorm statistics",
                total(), trainable, frozen, statistics);
    }
}
