package io.hdkd.api.head;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;

/**
 * Class-wise greedy non-maximum suppression (DJL has none): among boxes of the same class, a box is dropped if a
 * higher-scored kept box overlaps it with IoU above the threshold; boxes of different classes never suppress each
 * other.
 *
 * <p>The candidates are sorted by score on the arrays' device; the greedy pass itself runs in Java over a host copy
 * of the K sorted boxes (16 bytes each), comparing a kept box only with the later boxes of its own class, and stops
 * once {@code maxKeep} boxes are kept (greedy NMS emits kept boxes in score order, so the first {@code maxKeep} do
 * not depend on the rest). It used to compute blocks of IoU rows as arrays, all classes at once (torchvision's
 * coordinate-offset trick), and read them back: with RetinaNet's 5,000 candidates per image and 91 classes that was
 * 90 times the work and a few elementwise passes over a 256 x 5,000 float64 block per image, about 3 % of an R50
 * inference (docs/BENCHMARKS.md, session 8); the pass here costs well under a millisecond. IoUs are computed in
 * float64, {@code inter / max(union, 1e-12)} with {@link Boxes#area}'s unclamped areas, as {@link Boxes#iouMatrix}.
 * The cost is {@code O(K x kept)} in the worst case (one class): threshold and top-k the candidates first.
 */
public final class BatchedNms {

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
        int n = (int) k;
        long[] sortedIndex;
        double[] b;
        double[] label;
        // The sort's arrays live in a scratch manager: results would otherwise join the candidates' manager, which a
        // decoder closes only after the whole batch.
        try (NDManager scratch = boxes.getManager().newSubManager()) {
            NDArray flatScores = scores.reshape(-1);
            flatScores.attach(scratch);
            NDArray order = flatScores.argSort(0, false);
            NDArray sorted = boxes.get(new NDIndex("{}", order));
            sorted.attach(scratch);
            b = sorted.toType(DataType.FLOAT64, false).toDoubleArray();
            NDArray flatLabels = labels.reshape(-1);
            flatLabels.attach(scratch);
            label = flatLabels.get(new NDIndex("{}", order)).toType(DataType.FLOAT64, false).toDoubleArray();
            sortedIndex = order.toType(DataType.INT64, false).toLongArray();
        }
        boolean[] removed = new boolean[n];
        long[] kept = new long[Math.min(n, maxKeep)];
        int count = 0;
        for (int i = 0; i < n && count < kept.length; i++) {
            if (removed[i]) {
                continue;
            }
            kept[count++] = sortedIndex[i];
            double x1 = b[4 * i];
            double y1 = b[4 * i + 1];
            double x2 = b[4 * i + 2];
            double y2 = b[4 * i + 3];
            double area = (x2 - x1) * (y2 - y1);
            double c = label[i];
            for (int j = i + 1; j < n; j++) {
                if (removed[j] || label[j] != c) {
                    continue;
                }
                double w = Math.max(Math.min(x2, b[4 * j + 2]) - Math.max(x1, b[4 * j]), 0);
                double h = Math.max(Math.min(y2, b[4 * j + 3]) - Math.max(y1, b[4 * j + 1]), 0);
                double inter = w * h;
                double union = area + (b[4 * j + 2] - b[4 * j]) * (b[4 * j + 3] - b[4 * j + 1]) - inter;
                if (inter / Math.max(union, 1e-12) > iouThreshold) {
                    removed[j] = true;
                }
            }
        }
        return Arrays.copyOf(kept, count);
    }
}
