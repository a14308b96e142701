package io.hdkd.api.head;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;

/**
 * Class-wise greedy non-maximum suppression on arrays (DJL has none): among boxes of the same class, a box is dropped
 * if a higher-scored kept box overlaps it with IoU above the threshold; boxes of different classes never suppress
 * each other.
 *
 * <p>Classes are separated with torchvision's coordinate-offset trick: each box is shifted by
 * {@code label x (range + 1)} so boxes of different classes never overlap, and IoUs (float64, so the large offsets
 * cost no precision) are computed as arrays for all candidates at once, sorted by score. Only the greedy pass runs in
 * Java, over a {@code boolean[]} copy of "IoU above threshold": it is inherently sequential. The IoU rows are computed
 * in blocks of {@value #BLOCK} candidates (memory {@code BLOCK x K}, not {@code K x K}), and the pass stops once
 * {@code maxKeep} boxes are kept: greedy NMS emits kept boxes in score order, so the first {@code maxKeep} do not
 * depend on the rest. Threshold and top-k the candidates first: the cost is {@code O(K^2)}.
 */
public final class BatchedNms {

    /** How many IoU rows are materialised at once. */
    public static final int BLOCK = 256;

    private BatchedNms() {}

    /**
     * @param boxes K x 4, {@code x1, y1, x2, y2}
     * @param scores K
     * @param labels K, the class of each box (any numeric type)
     * @param iouThreshold a box is suppressed by a higher-scored box of its class with IoU above this
     * @param maxKeep the most indices returned
     * @return indices into the K candidates that survive, highest score first
     */
    public static long[] keep(NDArray boxes, NDArray scores, NDArray labels, double iouThreshold, int maxKeep) {
        long k = scores.size();
        if (k == 0 || maxKeep <= 0) {
            return new long[0];
        }
        if (boxes.getShape().dimension() != 2 || boxes.getShape().get(0) != k || boxes.getShape().get(1) != 4
                || labels.size() != k) {
            throw new IllegalArgumentException("BatchedNms.keep needs K x 4 boxes, K scores and K labels, got "
                    + boxes.getShape() + ", " + scores.getShape() + " and " + labels.getShape());
        }
        // Every array made here lives in a scratch manager, and each block's IoU rows in the block's own: results
        // would otherwise join the candidates' manager, which the caller closes only after the whole batch, so a
        // confident detector (thousands of candidates per image) held every block's BLOCK x K float64 temporaries of
        // every image at once: a gigabyte per evaluation at 160 px.
        try (NDManager scratch = boxes.getManager().newSubManager()) {
            NDArray flatScores = scores.reshape(-1);
            flatScores.attach(scratch);
            NDArray order = flatScores.argSort(0, false);
            NDArray sorted = boxes.get(new NDIndex("{}", order));
            sorted.attach(scratch);
            sorted = sorted.toType(DataType.FLOAT64, false);
            NDArray flatLabels = labels.reshape(-1);
            flatLabels.attach(scratch);
            NDArray sortedLabels = flatLabels.get(new NDIndex("{}", order)).toType(DataType.FLOAT64, false);
            NDArray range = sorted.max().sub(sorted.min()).add(1.0);
            NDArray shifted = sorted.add(sortedLabels.mul(range).expandDims(1));
            long[] sortedIndex = order.toType(DataType.INT64, false).toLongArray();

            int n = (int) k;
            boolean[] removed = new boolean[n];
            long[] kept = new long[Math.min(n, maxKeep)];
            int count = 0;
            for (int start = 0; start < n && count < kept.length; start += BLOCK) {
                int end = Math.min(n, start + BLOCK);
                boolean[] suppresses;
                try (NDManager block = scratch.newSubManager()) {
                    NDArray rows = shifted.get(new NDIndex(start + ":" + end));
                    rows.attach(block);
                    NDArray columns = shifted.duplicate();
                    columns.attach(block);
                    suppresses = Boxes.iouMatrix(rows, columns).gt(iouThreshold).toBooleanArray();
                }
                for (int i = start; i < end && count < kept.length; i++) {
                    if (removed[i]) {
                        continue;
                    }
                    kept[count++] = sortedIndex[i];
                    int row = (i - start) * n;
                    for (int j = i + 1; j < n; j++) {
                        if (suppresses[row + j]) {
                            removed[j] = true;
                        }
                    }
                }
            }
            return Arrays.copyOf(kept, count);
        }
    }
}
