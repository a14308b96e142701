package io.hdkd.core.data.augment;

import java.awt.geom.AffineTransform;
import java.util.Arrays;

/**
 * Moves boxes through an affine map: each box becomes the tight box of its four transformed corners (exact for flips,
 * scales and shifts; for rotations a box that contains the rotated object), is clipped to the output, and is dropped
 * when too little of it is left.
 */
public final class BoxTransform {

    private BoxTransform() {}

    /**
     * @param minVisible drop a box if its clipped area is below this fraction of its transformed area
     * @param minSize drop a box whose clipped width or height is below this many pixels
     */
    public static Boxes apply(Boxes boxes, AffineTransform m, int outWidth, int outHeight, double minVisible,
            double minSize) {
        int n = boxes.size();
        float[] in = boxes.xyxy();
        float[] out = new float[4 * n];
        int[] labels = new int[n];
        double[] corners = new double[8];
        int kept = 0;
        for (int i = 0; i < n; i++) {
            double x1 = in[4 * i];
            double y1 = in[4 * i + 1];
            double x2 = in[4 * i + 2];
            double y2 = in[4 * i + 3];
            corners[0] = x1;
            corners[1] = y1;
            corners[2] = x2;
            corners[3] = y1;
            corners[4] = x1;
            corners[5] = y2;
            corners[6] = x2;
            corners[7] = y2;
            m.transform(corners, 0, corners, 0, 4);
            double minX = Math.min(Math.min(corners[0], corners[2]), Math.min(corners[4], corners[6]));
            double maxX = Math.max(Math.max(corners[0], corners[2]), Math.max(corners[4], corners[6]));
            double minY = Math.min(Math.min(corners[1], corners[3]), Math.min(corners[5], corners[7]));
            double maxY = Math.max(Math.max(corners[1], corners[3]), Math.max(corners[5], corners[7]));
            double area = (maxX - minX) * (maxY - minY);
            double cx1 = Math.max(0, minX);
            double cy1 = Math.max(0, minY);
            double cx2 = Math.min(outWidth, maxX);
            double cy2 = Math.min(outHeight, maxY);
            double cw = cx2 - cx1;
            double ch = cy2 - cy1;
            if (cw < minSize || ch < minSize || cw <= 0 || ch <= 0 || area <= 0 || cw * ch < minVisible * area) {
                continue;
            }
            out[4 * kept] = (float) cx1;
            out[4 * kept + 1] = (float) cy1;
            out[4 * kept + 2] = (float) cx2;
            out[4 * kept + 3] = (float) cy2;
            labels[kept] = boxes.labels()[i];
            kept++;
        }
        return new Boxes(Arrays.copyOf(out, 4 * kept), Arrays.copyOf(labels, kept));
    }
}
