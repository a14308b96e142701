package io.hdkd.core.train.optim;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.List;

/**
 * Updates parameters from their gradients. hdkd keeps its own optimizers (rather than DJL's {@code Optimizer} behind
 * {@code ParameterStore}) so that their state is explicit and can be checkpointed and restored exactly, and so that
 * each parameter costs one fused native call (see {@link Sgd}).
 */
public interface Optimizer {

    /**
     * Applies one update to every trainable parameter that has a gradient, then zeroes the gradients.
     *
     * @param params the trainable parameters, in a fixed order (the state is matched by position)
     * @param lr the learning rate for this step
     */
    void step(List<Parameter> params, float lr);

    /** The optimizer's state (momentum buffers, moments, step count), in parameter order, for checkpoints. */
    NDList state();

    /** Restores {@link #state()} written by a previous run; arrays are copied into {@code manager}. */
    void loadState(NDList state, NDManager manager);
}
