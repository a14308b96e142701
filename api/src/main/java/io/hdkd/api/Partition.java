package io.hdkd.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.List;

/**
 * A split of the feature locations of several levels into {@code subspaces} groups.
 *
 * @param subspaces the number of subspaces K
 * @param assignments one int32 array per level, shaped {@code N x H x W} like that level, holding each location's
 *     subspace in {@code [0, K)}
 * @param weights one weight per subspace (length K), e.g. for the loss of that subspace
 */
public record Partition(int subspaces, List<NDArray> assignments, float[] weights) {

    public Partition {
        assignments = List.copyOf(assignments);
        weights = weights.clone();
        if (weights.length != subspaces) {
            throw new IllegalArgumentException("need one weight per subspace: " + weights.length + " != " + subspaces);
        }
    }

    @Override
    public float[] weights() {
        return weights.clone();
    }

    /** A float32 {@code N x 1 x H x W} mask of level {@code level}'s locations in subspace {@code k}, 1 inside. */
    public NDArray mask(int level, int k) {
        NDArray a = assignments.get(level);
        return a.eq(k).toType(DataType.FLOAT32, false).expandDims(1);
    }
}
