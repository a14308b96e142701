package io.hdkd.plugin.cornernet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;

/**
 * CornerNet's corner pooling on N x C x H x W arrays, with array operations only.
 *
 * <p>A top-left corner looks to the right and downwards for evidence of its object: at (i, j) it takes the maximum of
 * row i over columns {@code j' >= j} plus the maximum of column j over rows {@code i' >= i}. A bottom-right corner
 * looks to the left and upwards. Both are cumulative maxima along an axis; DJL has no cummax, so each is computed
 * with ⌈log2 L⌉ steps of {@code y = max(y, shift(y, 2^k))} (a Hillis–Steele scan). Where the shift would run off the
 * edge the array is padded with its own values, which leaves those positions unchanged because max is idempotent.
 * The gradient flows through {@code maximum} to the arg-max, as in the paper's CUDA kernels.
 */
public final class CornerPooling {

    private CornerPooling() {}

    /** Top-left pooling: max over everything to the right plus max over everything below. */
    public static NDArray topLeft(NDArray right, NDArray below) {
        return cumulativeMax(right, 3, true).add(cumulativeMax(below, 2, true));
    }

    /** Bottom-right pooling: max over everything to the left plus max over everything above. */
    public static NDArray bottomRight(NDArray left, NDArray above) {
        return cumulativeMax(left, 3, false).add(cumulativeMax(above, 2, false));
    }

    /**
     * Cumulative maximum along {@code axis}: {@code out[i] = max(x[0..i])}, or with {@code reverse}
     * {@code out[i] = max(x[i..L-1])}.
     */
    public static NDArray cumulativeMax(NDArray x, int axis, boolean reverse) {
        long length = x.getShape().get(axis);
        NDArray y = x;
        for (long shift = 1; shift < length; shift *= 2) {
            NDArray shifted;
            if (reverse) {
                // shifted[i] = y[i + shift], and y[i] itself where i + shift runs past the end
                shifted = NDArrays.concat(new NDList(
                        y.get(NDIndex.sliceAxis(axis, shift, length)),
                        y.get(NDIndex.sliceAxis(axis, length - shift, length))), axis);
            } else {
                // shifted[i] = y[i - shift], and y[i] itself where i - shift runs before the start
                shifted = NDArrays.concat(new NDList(
                        y.get(NDIndex.sliceAxis(axis, 0, shift)),
                        y.get(NDIndex.sliceAxis(axis, 0, length - shift))), axis);
            }
            y = y.maximum(shifted);
        }
        return y;
    }
}
