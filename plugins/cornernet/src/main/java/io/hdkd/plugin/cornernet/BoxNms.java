package io.hdkd.plugin.cornernet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Arrays;

/**
 * Class-wise greedy non-maximum suppression. The pairwise IoU matrix is one array computation; only the greedy pass
 * over that boolean matrix (inherently sequential) runs in Java. Boxes of different classes are moved apart by a
 * per-class offset larger than any coordinate, so they never overlap (torchvision's batched-NMS trick).
 */
final class BoxNms {

    private BoxNms() {}

    /**
     * Indices of the kept boxes, highest score first.
     *
     * @param boxes M x 4 {@code x1, y1, x2, y2}
     * @param scores M
     * @param classes M (any numeric type)
     */
    static int[] classwise(NDArray boxes, NDArray scores, NDArray classes, float iouThreshold) {
        int m = (int) scores.getShape().get(0);
        if (m == 0) {
            return new int[0];
        }
        NDArray order = scores.argSort(0, false);
        NDArray sorted = boxes.get(order);
        float span = sorted.abs().max().getFloat() + 1f;
        NDArray shifted = sorted.add(classes.get(order).toType(DataType.FLOAT32, false).mul(span).expandDims(1));
        NDArray x1 = shifted.get(":, 0");
        NDArray y1 = shifted.get(":, 1");
        NDArray x2 = shifted.get(":, 2");
        NDArray y2 = shifted.get(":, 3");
        NDArray area = x2.sub(x1).mul(y2.sub(y1));
        NDArray iw = x2.expandDims(1).minimum(x2.expandDims(0)).sub(x1.expandDims(1).maximum(x1.expandDims(0)))
                .maximum(0f);
        NDArray ih = y2.expandDims(1).minimum(y2.expandDims(0)).sub(y1.expandDims(1).maximum(y1.expandDims(0)))
                .maximum(0f);
        NDArray inter = iw.mul(ih);
        NDArray union = area.expandDims(1).add(area.expandDims(0)).sub(inter);
        boolean[] overlaps = inter.gt(union.mul(iouThreshold)).toBooleanArray();
        long[] sortedToOriginal = order.toLongArray();
        boolean[] suppressed = new boolean[m];
        int[] kept = new int[m];
        int count = 0;
        for (int i = 0; i < m; i++) {
            if (suppressed[i]) {
                continue;
            }
            kept[count++] = (int) sortedToOriginal[i];
            for (int j = i + 1; j < m; j++) {
                if (overlaps[i * m + j]) {
                    suppressed[j] = true;
                }
            }
        }
        return Arrays.copyOf(kept, count);
    }
}
