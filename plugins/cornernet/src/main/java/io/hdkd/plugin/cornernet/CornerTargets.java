package io.hdkd.plugin.cornernet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hdkd.api.ImageTargets;
import io.hdkd.api.InvalidInputException;
import java.util.Arrays;
import java.util.List;

/**
 * CornerNet's training targets for one batch on a feature map of {@code height x width} cells at {@code stride}.
 *
 * <p>For every object: its two corners' cells ({@code floor(x / stride)}, clipped to the map), their sub-cell offsets
 * ({@code x / stride - floor(x / stride)}), and an unnormalised Gaussian drawn into its class's channel of each
 * corner heatmap. The Gaussian's radius comes from the box size on the feature map (rounded up, as CornerNet's
 * sampling code) through {@link #gaussianRadius}, floored to an integer; its sigma is diameter / 6. Overlapping
 * Gaussians of the same class keep the element-wise maximum.
 *
 * <p>The loop runs over objects; each Gaussian is drawn with primitive float math on its (2r+1)² window, which is
 * far cheaper than a handful of tiny NDArray ops per object. The heatmaps become NDArrays once per batch.
 *
 * <p>Boxes with non-positive width or height are skipped: they have no corners to learn.
 *
 * @param tlHeatmap N x C x H x W, 1 exactly at top-left corners
 * @param brHeatmap N x C x H x W
 * @param image per object, the image it belongs to
 * @param tlCell per object, the flat cell index {@code y * W + x} of its top-left corner within its image
 * @param brCell per object, the same for its bottom-right corner
 * @param tlOffset per object, (dx, dy) interleaved
 * @param brOffset per object, (dx, dy) interleaved
 * @param objectsPerImage number of objects per image
 */
record CornerTargets(NDArray tlHeatmap, NDArray brHeatmap, int[] image, int[] tlCell, int[] brCell,
        float[] tlOffset, float[] brOffset, int[] objectsPerImage) {

    /** Number of objects in the batch. */
    int numObjects() {
        return image.length;
    }

    static CornerTargets build(List<ImageTargets> targets, int numClasses, int height, int width, int stride,
            double minOverlap, NDManager manager) {
        int n = targets.size();
        int plane = height * width;
        float[] tl = new float[n * numClasses * plane];
        float[] br = new float[n * numClasses * plane];
        int total = 0;
        float[][] boxesPerImage = new float[n][];
        int[][] labelsPerImage = new int[n][];
        for (int i = 0; i < n; i++) {
            ImageTargets t = targets.get(i);
            boxesPerImage[i] = t.boxes().toFloatArray();
            labelsPerImage[i] = t.labels().toType(DataType.INT32, false).toIntArray();
            total += labelsPerImage[i].length;
        }
        int[] image = new int[total];
        int[] tlCell = new int[total];
        int[] brCell = new int[total];
        float[] tlOffset = new float[2 * total];
        float[] brOffset = new float[2 * total];
        int[] perImage = new int[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            float[] boxes = boxesPerImage[i];
            int[] labels = labelsPerImage[i];
            for (int k = 0; k < labels.length; k++) {
                float x1 = boxes[4 * k];
                float y1 = boxes[4 * k + 1];
                float x2 = boxes[4 * k + 2];
                float y2 = boxes[4 * k + 3];
                int label = labels[k];
                if (!(x2 > x1 && y2 > y1)) {
                    continue;
                }
                if (label < 0 || label >= numClasses) {
                    throw new InvalidInputException("label " + label + " of object " + k + " in image " + i
                            + " of the batch is outside [0, " + numClasses + ")");
                }
                float fx1 = x1 / stride;
                float fy1 = y1 / stride;
                float fx2 = x2 / stride;
                float fy2 = y2 / stride;
                int cx1 = clip((int) Math.floor(fx1), width);
                int cy1 = clip((int) Math.floor(fy1), height);
                int cx2 = clip((int) Math.floor(fx2), width);
                int cy2 = clip((int) Math.floor(fy2), height);
                int radius = (int) Math.max(0, Math.floor(gaussianRadius(
                        Math.ceil(fy2 - fy1), Math.ceil(fx2 - fx1), minOverlap)));
                float[] gaussian = gaussian(radius);
                int channel = (i * numClasses + label) * plane;
                drawGaussian(tl, channel, height, width, cx1, cy1, radius, gaussian);
                drawGaussian(br, channel, height, width, cx2, cy2, radius, gaussian);
                image[m] = i;
                tlCell[m] = cy1 * width + cx1;
                brCell[m] = cy2 * width + cx2;
                tlOffset[2 * m] = fx1 - cx1;
                tlOffset[2 * m + 1] = fy1 - cy1;
                brOffset[2 * m] = fx2 - cx2;
                brOffset[2 * m + 1] = fy2 - cy2;
                perImage[i]++;
                m++;
            }
        }
        Shape shape = new Shape(n, numClasses, height, width);
        return new CornerTargets(manager.create(tl, shape), manager.create(br, shape),
                Arrays.copyOf(image, m), Arrays.copyOf(tlCell, m),
                Arrays.copyOf(brCell, m), Arrays.copyOf(tlOffset, 2 * m),
                Arrays.copyOf(brOffset, 2 * m), perImage);
    }

    private static int clip(int cell, int size) {
        return Math.min(Math.max(cell, 0), size - 1);
    }

    /**
     * CornerNet's Gaussian radius for a box of {@code height x width} feature cells: how far the corners may move
     * while the box keeps IoU ≥ {@code minOverlap} with the ground truth. Three cases give three quadratics
     * a·r² + b·r + c = 0: (1) one corner moves inside the box and the other outside, (2) both move inside,
     * (3) both move outside. The radius is the smallest of the three, each computed as {@code (b + sqrt(b² - 4ac)) / 2}
     * exactly as CornerNet's sampling code does (not the textbook root for cases 2 and 3; kept for parity with the
     * published models).
     */
    static double gaussianRadius(double height, double width, double minOverlap) {
        double b1 = height + width;
        double c1 = width * height * (1 - minOverlap) / (1 + minOverlap);
        double r1 = (b1 + Math.sqrt(b1 * b1 - 4 * c1)) / 2;

        double a2 = 4;
        double b2 = 2 * (height + width);
        double c2 = (1 - minOverlap) * width * height;
        double r2 = (b2 + Math.sqrt(b2 * b2 - 4 * a2 * c2)) / 2;

        double a3 = 4 * minOverlap;
        double b3 = -2 * minOverlap * (height + width);
        double c3 = (minOverlap - 1) * width * height;
        double r3 = (b3 + Math.sqrt(b3 * b3 - 4 * a3 * c3)) / 2;
        return Math.min(r1, Math.min(r2, r3));
    }

    /**
     * The unnormalised Gaussian window of side {@code 2r + 1}, row-major, peak exactly 1 at the centre, sigma =
     * diameter / 6; values below float epsilon times the peak are zeroed as in CornerNet.
     */
    static float[] gaussian(int radius) {
        int diameter = 2 * radius + 1;
        double sigma = diameter / 6.0;
        float[] g = new float[diameter * diameter];
        for (int dy = -radius; dy <= radius; dy++) {
            for (int dx = -radius; dx <= radius; dx++) {
                double v = Math.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma));
                g[(dy + radius) * diameter + dx + radius] = v < Math.ulp(1.0f) ? 0f : (float) v;
            }
        }
        return g;
    }

    /** Element-wise max of the window into {@code map} at {@code offset} (one H x W plane), clipped to the plane. */
    static void drawGaussian(float[] map, int offset, int height, int width, int cx, int cy, int radius,
            float[] gaussian) {
        int diameter = 2 * radius + 1;
        int left = Math.min(cx, radius);
        int right = Math.min(width - cx, radius + 1);
        int top = Math.min(cy, radius);
        int bottom = Math.min(height - cy, radius + 1);
        for (int dy = -top; dy < bottom; dy++) {
            int row = offset + (cy + dy) * width;
            int gRow = (dy + radius) * diameter + radius;
            for (int dx = -left; dx < right; dx++) {
                map[row + cx + dx] = Math.max(map[row + cx + dx], gaussian[gRow + dx]);
            }
        }
    }
}
