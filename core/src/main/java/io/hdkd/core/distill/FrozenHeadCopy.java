package io.hdkd.core.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import ai.djl.util.PairList;
import java.nio.ByteBuffer;

/**
 * Makes an initialised block a frozen copy of a trained one of the same structure: every parameter (BatchNorm
 * statistics included) takes the trained values bit for bit, and none takes a gradient, so the optimizer never sees
 * it (no update, no weight decay).
 */
public final class FrozenHeadCopy {

    private FrozenHeadCopy() {}

    /**
     * Copies {@code trained}'s parameters into {@code copy} and freezes {@code copy}.
     *
     * @throws IllegalArgumentException if the two blocks' parameters differ in names or shapes, naming the first
     */
    public static void copy(Block trained, Block copy) {
        PairList<String, Parameter> from = trained.getParameters();
        PairList<String, Parameter> to = copy.getParameters();
        if (from.size() != to.size()) {
            throw new IllegalArgumentException("the trained head has " + from.size() + " parameters, its copy "
                    + to.size());
        }
        for (int i = 0; i < from.size(); i++) {
            Pair<String, Parameter> f = from.get(i);
            Pair<String, Parameter> t = to.get(i);
            if (!f.getKey().equals(t.getKey())
                    || !f.getValue().getArray().getShape().equals(t.getValue().getArray().getShape())) {
                throw new IllegalArgumentException("the trained head's parameter " + f.getKey() + " "
                        + f.getValue().getArray().getShape() + " does not match its copy's " + t.getKey() + " "
                        + t.getValue().getArray().getShape());
            }
        }
        // Frozen first: the values are then written into arrays that record no gradient.
        copy.freezeParameters(true);
        for (int i = 0; i < from.size(); i++) {
            NDArray source = from.get(i).getValue().getArray();
            ByteBuffer bytes = source.toByteBuffer();
            // An own buffer, so that the copy never shares memory with the teacher's arrays (closed first).
            ByteBuffer own = ByteBuffer.allocateDirect(bytes.remaining()).order(bytes.order());
            own.put(bytes.duplicate());
            own.rewind();
            to.get(i).getValue().getArray().set(own);
        }
    }
}
