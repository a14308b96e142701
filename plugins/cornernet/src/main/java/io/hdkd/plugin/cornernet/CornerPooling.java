package io.hdkd.plugin.cornernet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.hdkd.api.export.OnnxGraph;
import java.util.Arrays;

/**
 * CornerNet's corner pooling on N x C x H x W arrays, with array operations only.
 *
 * <p>A top-left corner looks to the right and downwards for evidence of its object: at (i, j) it takes the maximum of
 * row i over columns {@code j' >= j} plus the maximum of column j over rows {@code i' >= i}. A bottom-right corner
 * looks to the left and upwards. Both are cumulative maxima along an axis, and DJL has no cummax. Two array
 * formulations, chosen by size:
 * <ul>
 *   <li>{@link #broadcastCumulativeMax}: every position sees the whole axis at once, {@code x} broadcast to one more
 *       dimension of length L plus a triangular 0/−∞ mask, then one max-reduction: a constant handful of ops but L
 *       times the memory. Used while that expanded array stays under {@link #BROADCAST_LIMIT} elements, which covers
 *       the small maps of hdkd's CPU configurations. A CPU training step of a small model is dominated by the number
 *       of ops (each op's fixed cost, much larger on a loaded machine), not their size.
 *   <li>{@link #logStepCumulativeMax}: ⌈log2 L⌉ steps of {@code y = max(y, shift(y, 2^k))} (a Hillis–Steele scan),
 *       memory of the input only, for large maps. Where the shift would run off the edge the array is padded with its
 *       own values, which leaves those positions unchanged because max is idempotent.
 * </ul>
 * The gradient flows through the max to the arg-max, as in the paper's CUDA kernels (split evenly between ties).
 */
public final class CornerPooling {

    /** Largest array (elements) the broadcast formulation may create: 2^24 floats, 64 MiB. */
    static final long BROADCAST_LIMIT = 1L << 24;

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
        return x.size() * length <= BROADCAST_LIMIT
                ? broadcastCumulativeMax(x, axis, reverse)
                : logStepCumulativeMax(x, axis, reverse);
    }

    /** {@link #cumulativeMax} as one masked max-reduction over an extra axis (memory: L times the input). */
    static NDArray broadcastCumulativeMax(NDArray x, int axis, boolean reverse) {
        int length = Math.toIntExact(x.getShape().get(axis));
        if (length == 1) {
            return x;
        }
        // mask[i][j] = 0 where position i sees position j, -inf elsewhere
        float[] mask = new float[length * length];
        for (int i = 0; i < length; i++) {
            for (int j = 0; j < length; j++) {
                boolean sees = reverse ? j >= i : j <= i;
                mask[i * length + j] = sees ? 0f : Float.NEGATIVE_INFINITY;
            }
        }
        long[] maskShape = new long[2 + x.getShape().dimension() - 1 - axis];
        Arrays.fill(maskShape, 1);
        maskShape[0] = length;
        maskShape[1] = length;
        // x.expandDims(axis): the new axis (i) at `axis`, the original one (j) at axis + 1
        NDArray m = x.getManager().create(mask, new Shape(maskShape)).toType(x.getDataType(), false);
        return x.expandDims(axis).add(m).max(new int[] {axis + 1});
    }

    /**
     * Longest axis the ONNX export pools over: {@link #exportCumulativeMax} runs log2 of it steps, since the graph's
     * height and width may be symbolic. 4096 cells is a 32768-pixel side at stride 8.
     */
    static final long EXPORT_MAX_LENGTH = 4096;

    /** {@link #topLeft} as ONNX. */
    static OnnxGraph.Value exportTopLeft(OnnxGraph g, OnnxGraph.Value right, OnnxGraph.Value below) {
        return g.add(exportCumulativeMax(g, right, 3, true), exportCumulativeMax(g, below, 2, true));
    }

    /** {@link #bottomRight} as ONNX. */
    static OnnxGraph.Value exportBottomRight(OnnxGraph g, OnnxGraph.Value left, OnnxGraph.Value above) {
        return g.add(exportCumulativeMax(g, left, 3, false), exportCumulativeMax(g, above, 2, false));
    }

    /**
     * {@link #cumulativeMax} as a loop-free ONNX graph (ONNX has no cummax): the log-step scan of
     * {@link #logStepCumulativeMax}, each shift a Pad of {@code shift} cells of the lowest float on the side the
     * values come from, then a Slice back to the axis' length. Where the shift runs off the edge only padding arrives,
     * which leaves the maximum unchanged; so the steps can run for {@link #EXPORT_MAX_LENGTH} without knowing the
     * axis' length.
     */
    static OnnxGraph.Value exportCumulativeMax(OnnxGraph g, OnnxGraph.Value x, int axis, boolean reverse) {
        OnnxGraph.Value y = x;
        for (long shift = 1; shift < EXPORT_MAX_LENGTH; shift *= 2) {
            OnnxGraph.Value shifted = reverse
                    // shifted[i] = y[i + shift]: pad the end, drop the first `shift` cells
                    ? g.slice(g.pad(y, axis, 0, shift, -Float.MAX_VALUE), axis, shift, Long.MAX_VALUE)
                    // shifted[i] = y[i - shift]: pad the start, drop the last `shift` cells
                    : g.slice(g.pad(y, axis, shift, 0, -Float.MAX_VALUE), axis, 0, -shift);
            y = g.max(y, shifted);
        }
        return y;
    }

    /** {@link #cumulativeMax} as a log-step scan (memory: the input's). */
    static NDArray logStepCumulativeMax(NDArray x, int axis, boolean reverse) {
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
