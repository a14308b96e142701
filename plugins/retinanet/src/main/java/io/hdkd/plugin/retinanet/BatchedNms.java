package io.hdkd.plugin.retinanet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;

/**
 * Class-wise non-maximum suppression on arrays (DJL has none).
 *
 * <p>Classes are separated with the coordinate-offset trick: each box is shifted by {@code label x (range + 1)} so
 * boxes of different classes never overlap, and IoUs (float64, so the large offsets cost no precision) are computed
 * as NDArrays for all candidates at once, sorted by score. Only the greedy pass runs in Java, over a
 * {@code boolean[]} copy of "IoU above threshold": it is inherently sequential, and there are at most
 * {@code levels x topk} candidates left after thresholding and top-k. The IoU rows are computed in blocks of
 * {@value #BLOCK} candidates (memory {@code BLOCK x K}, not {@code K x K}), and the pass stops once {@code maxKeep}
 * boxes are kept: greedy NMS emits kept boxes in score order, so the first {@code maxKeep} do not depend on the rest.
 */
final class BatchedNms {

    static final int BLOCK = 256;

    private BatchedNms() {}

    /**
     * @param boxes K x 4
     * @param scores K
     * @param labels K, integer class of each box
     * @param iouThreshold a box is suppressed by a higher-scored box of its class with IoU above this
     * @param maxKeep the most indices returned
     * @return indices into the K candidates that survive, highest score first
     */
    static long[] keep(NDArray boxes, NDArray scores, NDArray labels, double iouThreshold, int maxKeep) {
        long k = scores.size();
        if (k == 0) {
            return new long[0];
        }
        NDArray order = scores.argSort(0, false);
        NDArray sorted = boxes.get(new NDIndex("{}", order)).toType(DataType.FLOAT64, false);
        NDArray sortedLabels = labels.get(new NDIndex("{}", order)).toType(DataType.FLOAT64, false);
        NDArray range = sorted.max().sub(sorted.min()).add(1.0);
        NDArray shifted = sorted.add(sortedLabels.mul(range).expandDims(1));
        long[] sortedIndex = order.toType(DataType.INT64, false).toLongArray();

        int n = (int) k;
        boolean[] removed = new boolean[n];
        long[] kept = new long[Math.min(n, maxKeep)];
        int count = 0;
        for (int start = 0; start < n && count < kept.length; start += BLOCK) {
            int end = Math.min(n, start + BLOCK);
            boolean[] suppresses = Boxes.iouMatrix(shifted.get(new NDIndex(start + ":" + end)), shifted)
                    .gt(iouThreshold).toBooleanArray();
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
