package io.hdkd.api.head;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import io.hdkd.api.Detection;
import io.hdkd.api.ImageMeta;
import java.util.ArrayList;
import java.util.List;

/**
 * The last step of every head's {@code decode}: from candidate boxes in network-input pixels to the
 * {@link Detection}s of one image in original pixels, after class-wise NMS.
 */
public final class Detections {

    private Detections() {}

    /**
     * Class-wise NMS ({@link BatchedNms}), the best {@code maxDetections}, mapped back to the original image
     * ({@link ImageMeta}: divided by the resize scales, clipped to the original size).
     *
     * @param boxes K x 4 in network-input pixels
     * @param scores K
     * @param labels K contiguous class indices
     * @return highest score first
     */
    public static List<Detection> select(NDArray boxes, NDArray scores, NDArray labels, ImageMeta meta,
            double iouThreshold, int maxDetections) {
        long[] keep = BatchedNms.keep(boxes, scores, labels, iouThreshold, maxDetections);
        if (keep.length == 0) {
            return List.of();
        }
        try (NDManager scratch = boxes.getManager().newSubManager()) {
            NDArray index = scratch.create(keep);
            NDArray scale = scratch.create(new float[] {meta.scaleX(), meta.scaleY(), meta.scaleX(), meta.scaleY()});
            NDArray kept = boxes.get(new NDIndex("{}", index)).toType(DataType.FLOAT32, false);
            NDArray original = Boxes.clip(kept.div(scale), meta.width(), meta.height());
            float[] b = original.toFloatArray();
            float[] s = scores.reshape(-1).get(new NDIndex("{}", index)).toType(DataType.FLOAT32, false)
                    .toFloatArray();
            long[] c = labels.reshape(-1).get(new NDIndex("{}", index)).toType(DataType.INT64, false).toLongArray();
            List<Detection> out = new ArrayList<>(keep.length);
            for (int j = 0; j < keep.length; j++) {
                out.add(new Detection((int) c[j], s[j], b[4 * j], b[4 * j + 1], b[4 * j + 2], b[4 * j + 3]));
            }
            return out;
        }
    }
}
