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
 * <p>Only per-object bookkeeping (cells, offsets, radii) is computed in Java; the heatmaps are drawn with array ops
 * over all objects of the batch at once ({@link #heatmaps}).
 *
 * <p>Boxes with non-positive width or height are skipped: they have no corners to learn.
 *
 * <p><b>Soft targets</b> (scored boxes, e.g. a teacher's detections; SPI 2): a box of score {@code s} draws its
 * Gaussians scaled by {@code s}, so its corners peak at {@code s} instead of 1, and its peak cells are recorded in
 * {@code tlPeak}/{@code brPeak} (the focal loss treats them as positives of strength {@code s}). Embedding and offset
 * terms weight it by {@code s}. Several boxes with the same two corner cells in one image (a teacher's class-wise
 * duplicates of one object) share one embedding and offset entry, the best-scored one's; their heatmaps all count.
 * A box of score 0 is skipped, exactly as an absent box; score 1 draws exactly the ground-truth heatmaps.
 *
 * @param tlHeatmap N x C x H x W, 1 exactly at top-left corners
 * @param brHeatmap N x C x H x W
 * @param image per object, the image it belongs to
 * @param tlCell per object, the flat cell index {@code y * W + x} of its top-left corner within its image
 * @param brCell per object, the same for its bottom-right corner
 * @param tlOffset per object, (dx, dy) interleaved
 * @param brOffset per object, (dx, dy) interleaved
 * @param objectsPerImage number of objects per image
 * @param score per object, its score (1 for ground truth)
 * @param tlPeak for soft targets, N x C x H x W holding each box's score at its top-left cell (max over boxes), 0
 *     elsewhere; null for hard targets (the peaks are where {@code tlHeatmap} is 1)
 * @param brPeak the same for bottom-right corners
 * @param heatmapWeight the heatmap loss's normaliser: the number of boxes drawn, or the sum of their scores when soft
 */
record CornerTargets(NDArray tlHeatmap, NDArray brHeatmap, int[] image, int[] tlCell, int[] brCell,
        float[] tlOffset, float[] brOffset, int[] objectsPerImage, float[] score, NDArray tlPeak, NDArray brPeak,
        double heatmapWeight) {

    /** Number of objects (embedding and offset entries) in the batch. */
    int numObjects() {
        return image.length;
    }

    /** True if the targets came from scored boxes. */
    boolean soft() {
        return tlPeak != null;
    }

    static CornerTargets build(List<ImageTargets> targets, int numClasses, int height, int width, int stride,
            double minOverlap, NDManager manager) {
        int n = targets.size();
        float[][] boxesPerImage = new float[n][];
        int[][] labelsPerImage = new int[n][];
        float[][] scoresPerImage = new float[n][];
        boolean soft = false;
        int total = 0;
        for (int i = 0; i < n; i++) {
            ImageTargets t = targets.get(i);
            boxesPerImage[i] = t.boxes().toFloatArray();
            labelsPerImage[i] = t.labels().toType(DataType.INT32, false).toIntArray();
            if (t.scored()) {
                soft = true;
                scoresPerImage[i] = t.scores().toType(DataType.FLOAT32, false).toFloatArray();
            }
            total += labelsPerImage[i].length;
        }
        // Per-object bookkeeping (a handful of numbers per object); the per-cell work happens in array ops below.
        int[] image = new int[total];
        int[] channel = new int[total];
        int[] radius = new int[total];
        int[] tlCell = new int[total];
        int[] brCell = new int[total];
        float[] tlOffset = new float[2 * total];
        float[] brOffset = new float[2 * total];
        float[] score = new float[total];
        int[] perImage = new int[n];
        int m = 0;
        for (int i = 0; i < n; i++) {
            float[] boxes = boxesPerImage[i];
            int[] labels = labelsPerImage[i];
            float[] scores = scoresPerImage[i];
            for (int k = 0; k < labels.length; k++) {
                float x1 = boxes[4 * k];
                float y1 = boxes[4 * k + 1];
                float x2 = boxes[4 * k + 2];
                float y2 = boxes[4 * k + 3];
                int label = labels[k];
                float s = scores == null ? 1f : scores[k];
                if (!(x2 > x1 && y2 > y1) || !(s > 0)) {
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
                radius[m] = (int) Math.max(0, Math.floor(gaussianRadius(
                        Math.ceil(fy2 - fy1), Math.ceil(fx2 - fx1), minOverlap)));
                image[m] = i;
                channel[m] = i * numClasses + label;
                tlCell[m] = cy1 * width + cx1;
                brCell[m] = cy2 * width + cx2;
                tlOffset[2 * m] = fx1 - cx1;
                tlOffset[2 * m + 1] = fy1 - cy1;
                brOffset[2 * m] = fx2 - cx2;
                brOffset[2 * m + 1] = fy2 - cy2;
                score[m] = Math.min(s, 1f);
                perImage[i]++;
                m++;
            }
        }
        int[] objChannel = Arrays.copyOf(channel, m);
        int[] objRadius = Arrays.copyOf(radius, m);
        int[] objTl = Arrays.copyOf(tlCell, m);
        int[] objBr = Arrays.copyOf(brCell, m);
        Shape shape = new Shape(n, numClasses, height, width);
        if (!soft) {
            NDArray tl = heatmaps(objChannel, objTl, objRadius, null, n * numClasses, height, width, manager)
                    .reshape(shape);
            NDArray br = heatmaps(objChannel, objBr, objRadius, null, n * numClasses, height, width, manager)
                    .reshape(shape);
            return new CornerTargets(tl, br, Arrays.copyOf(image, m), objTl, objBr, Arrays.copyOf(tlOffset, 2 * m),
                    Arrays.copyOf(brOffset, 2 * m), perImage, Arrays.copyOf(score, m), null, null, m);
        }
        float[] objScore = Arrays.copyOf(score, m);
        int[] zero = new int[m];
        NDArray tl = heatmaps(objChannel, objTl, objRadius, objScore, n * numClasses, height, width, manager)
                .reshape(shape);
        NDArray br = heatmaps(objChannel, objBr, objRadius, objScore, n * numClasses, height, width, manager)
                .reshape(shape);
        NDArray tlPeak = heatmaps(objChannel, objTl, zero, objScore, n * numClasses, height, width, manager)
                .reshape(shape);
        NDArray brPeak = heatmaps(objChannel, objBr, zero, objScore, n * numClasses, height, width, manager)
                .reshape(shape);
        double weight = 0;
        for (float v : objScore) {
            weight += v;
        }
        // One embedding and offset entry per pair of corner cells in an image: the best-scored box's.
        Integer[] byScore = new Integer[m];
        for (int k = 0; k < m; k++) {
            byScore[k] = k;
        }
        Arrays.sort(byScore, (a, b) -> Float.compare(objScore[b], objScore[a]));
        java.util.Set<Long> seenCorners = new java.util.HashSet<>();
        boolean[] keep = new boolean[m];
        for (int k : byScore) {
            long key = ((long) image[k] * height * width + objTl[k]) * height * width + objBr[k];
            keep[k] = seenCorners.add(key);
        }
        int kept = 0;
        for (boolean b : keep) {
            kept += b ? 1 : 0;
        }
        int[] keptImage = new int[kept];
        int[] keptTl = new int[kept];
        int[] keptBr = new int[kept];
        float[] keptTlOffset = new float[2 * kept];
        float[] keptBrOffset = new float[2 * kept];
        float[] keptScore = new float[kept];
        int[] keptPerImage = new int[n];
        int j = 0;
        for (int k = 0; k < m; k++) {
            if (!keep[k]) {
                continue;
            }
            keptImage[j] = image[k];
            keptTl[j] = objTl[k];
            keptBr[j] = objBr[k];
            System.arraycopy(tlOffset, 2 * k, keptTlOffset, 2 * j, 2);
            System.arraycopy(brOffset, 2 * k, keptBrOffset, 2 * j, 2);
            keptScore[j] = objScore[k];
            keptPerImage[image[k]]++;
            j++;
        }
        return new CornerTargets(tl, br, keptImage, keptTl, keptBr, keptTlOffset, keptBrOffset, keptPerImage,
                keptScore, tlPeak, brPeak, weight);
    }

    /**
     * The {@code planes x H x W} heatmaps with each object's Gaussian (see {@link #gaussian}) centred on its cell in
     * its plane, overlapping Gaussians of one plane merged by element-wise max, all in array ops.
     *
     * <p>Every object's Gaussian is evaluated over the whole map at once (M x H x W, zero outside its (2r+1)² window
     * and below float epsilon). To place them, objects are split into layers by their rank within their plane, so no
     * layer holds two objects of the same plane; a one-hot (planes x M_layer) product then scatters a layer into the
     * planes exactly, and the layers merge by max. Usually one or two layers.
     */
    static NDArray heatmaps(int[] plane, int[] cell, int[] radius, float[] scale, int planes, int height, int width,
            NDManager manager) {
        int m = plane.length;
        NDArray heat = manager.zeros(new Shape(planes, (long) height * width));
        if (m == 0) {
            return heat;
        }
        float[] cx = new float[m];
        float[] cy = new float[m];
        float[] r = new float[m];
        float[] twoSigmaSq = new float[m];
        for (int k = 0; k < m; k++) {
            cx[k] = cell[k] % width;
            cy[k] = cell[k] / width;
            r[k] = radius[k];
            double sigma = (2 * radius[k] + 1) / 6.0;
            twoSigmaSq[k] = (float) (2 * sigma * sigma);
        }
        Shape column = new Shape(m, 1, 1);
        NDArray dx = manager.arange(0f, width).reshape(1, 1, width).sub(manager.create(cx, column));
        NDArray dy = manager.arange(0f, height).reshape(1, height, 1).sub(manager.create(cy, column));
        NDArray distanceSq = dx.square().add(dy.square());
        NDArray g = distanceSq.div(manager.create(twoSigmaSq, column)).neg().exp();
        NDArray rr = manager.create(r, column);
        NDArray inside = dx.abs().lte(rr).logicalAnd(dy.abs().lte(rr)).logicalAnd(g.gte(Math.ulp(1.0f)));
        g = g.mul(inside.toType(DataType.FLOAT32, false));
        if (scale != null) {
            g = g.mul(manager.create(scale, column));
        }
        g = g.reshape(m, (long) height * width);

        int[] rank = new int[m];
        int[] seen = new int[planes];
        int layers = 0;
        for (int k = 0; k < m; k++) {
            rank[k] = seen[plane[k]]++;
            layers = Math.max(layers, rank[k] + 1);
        }
        for (int layer = 0; layer < layers; layer++) {
            int count = 0;
            for (int k = 0; k < m; k++) {
                count += rank[k] == layer ? 1 : 0;
            }
            long[] members = new long[count];
            float[] oneHot = new float[planes * count];
            int j = 0;
            for (int k = 0; k < m; k++) {
                if (rank[k] == layer) {
                    oneHot[plane[k] * count + j] = 1f;
                    members[j++] = k;
                }
            }
            NDArray rows = layers == 1 ? g : g.get(manager.create(members));
            heat = heat.maximum(manager.create(oneHot, new Shape(planes, count)).matMul(rows));
        }
        return heat;
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
}
