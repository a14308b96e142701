package io.hdkd.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Runs one piece of a forward pass (a residual unit, a head tower) in its own {@link NDManager}, so that the
 * intermediate arrays it makes are released as soon as it returns instead of when the step's manager closes.
 *
 * <p>Why: DJL attaches every result to its first input's manager, and a Java handle keeps its tensor alive. PyTorch
 * eager frees an intermediate the moment nothing needs it (a BatchNorm output once ReLU has read it, a residual sum,
 * a tower's inner activations); in DJL all of them stay until the batch's manager closes, after the backward pass.
 * Releasing the handles early changes no result and no gradient: the autograd graph holds its own references to what
 * the backward pass reads and frees those as the backward pass goes, as in PyTorch.
 *
 * <p>Only for code whose intermediates are made by libtorch (operations, {@code NDManager.full/zeros/ones},
 * {@link Scalars}): an array made from Java data ({@code NDManager.create(float[])}, {@code NDArray.mul(Number)})
 * wraps a Java buffer that the garbage collector may free once its handle is gone, while the graph may still read it.
 */
public final class ForwardScope {

    /**
     * {@code -Dhdkd.forward-scopes=off} runs every body in its caller's manager, as before scopes existed: for
     * measuring what they save, or ruling them out when a plugin's block misbehaves.
     */
    static final boolean ENABLED = !"off".equals(System.getProperty("hdkd.forward-scopes"));

    private ForwardScope() {}

    /**
     * Applies {@code body} to {@code inputs} inside a fresh sub-manager of the first input's manager and returns its
     * outputs, which stay where they were made from the caller's point of view (the first input's manager); everything
     * else {@code body} made in that sub-manager is closed. Inputs are only lent to the scope: each goes back to its
     * own manager, also when an output is an input.
     */
    public static NDList run(NDList inputs, Function<NDList, NDList> body) {
        if (inputs.isEmpty() || !ENABLED) {
            return body.apply(inputs);
        }
        NDManager home = inputs.head().getManager();
        Map<NDArray, Boolean> lent = new IdentityHashMap<>();
        try (NDManager scope = home.newSubManager()) {
            for (NDArray x : inputs) {
                if (lent.put(x, Boolean.TRUE) == null) {
                    x.tempAttach(scope);
                }
            }
            NDList out = body.apply(inputs);
            for (NDArray y : out) {
                // Made in the scope and not an input: the caller's. Anything else (an input passed through, a cached
                // array of the model) keeps its owner.
                if (y.getManager() == scope && !lent.containsKey(y)) {
                    y.attach(home);
                }
            }
            return out;
        }
    }

    /**
     * Closes the handles of {@code consumed}, the output of one piece of a chain that only the next piece read, except
     * any array that is also in {@code next} (passed through). A scope releases what a piece makes inside it; its output
     * stays in the caller's manager until the step ends, so a chain of pieces (the residual units of a stage) would keep
     * every piece's output alive. PyTorch frees each once the next has read it: in inference that is most of a
     * backbone's activation memory. In training the autograd graph keeps what the backward pass reads, so closing the
     * handle changes no result and no gradient (the class comment says why, and for which arrays it is safe).
     */
    public static void release(NDList consumed, NDList next) {
        if (!ENABLED) {
            return;
        }
        Map<NDArray, Boolean> kept = new IdentityHashMap<>();
        for (NDArray y : next) {
            kept.put(y, Boolean.TRUE);
        }
        for (NDArray x : consumed) {
            if (!kept.containsKey(x)) {
                x.close();
            }
        }
    }

    /** {@link #run(NDList, Function)} for one input and one output. */
    public static NDArray run(NDArray input, Function<NDArray, NDArray> body) {
        return run(new NDList(input), in -> new NDList(body.apply(in.head()))).head();
    }
}
