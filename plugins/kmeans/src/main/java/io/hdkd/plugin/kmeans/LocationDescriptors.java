package io.hdkd.plugin.kmeans;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.ImageTargets;
import java.util.List;
import java.util.Random;

/**
 * Builds the k-means descriptor of feature locations: a row-major {@code points x dims} float matrix.
 *
 * <p>Columns, each multiplied by its weight (so a weight w scales that component's share of the squared Euclidean
 * distance by w^2), and left out entirely when the weight is 0:
 * <ol>
 *   <li>scale: {@code log2(stride)}, the level's receptive-field size in octaves;
 *   <li>gt-scale: {@code log2(sqrt(area))} of the smallest ground-truth box containing the location's centre in
 *       input pixels, on the same octave scale as the stride. Locations no box covers get the mean over covered
 *       locations of the batch, so they are pulled toward neither small nor large objects; without any covered
 *       location (or without targets) the column is constant and has no effect;
 *   <li>y, x: the location's cell centre normalised by the level's size, {@code (y + 0.5) / H} and
 *       {@code (x + 0.5) / W} in (0, 1). Cell centres (not {@code x / W}) make the same image point get the same
 *       value on every level and make a grid symmetric about 0.5;
 *   <li>feature summary ({@link FeatureSummary}), standardised per column over all points of the batch (zero mean,
 *       unit variance; a constant column becomes 0) so that its weight means the same for any teacher.
 * </ol>
 */
final class LocationDescriptors {

    private final KMeansSettings settings;

    LocationDescriptors(KMeansSettings settings) {
        this.settings = settings;
    }

    /** One row per (level, y, x), levels in order: valid for every image when features and GT are unused. */
    float[] perPosition(List<FeatureLevel> levels, int[] heights, int[] widths) {
        int dims = settings.dims();
        int points = 0;
        for (int l = 0; l < levels.size(); l++) {
            points += heights[l] * widths[l];
        }
        float[] out = new float[points * dims];
        int row = 0;
        for (int l = 0; l < levels.size(); l++) {
            for (int y = 0; y < heights[l]; y++) {
                for (int x = 0; x < widths[l]; x++) {
                    writeGeometry(out, row * dims, levels.get(l).stride(), heights[l], widths[l], y, x);
                    row++;
                }
            }
        }
        // A requested gt-scale column (targets absent) stays 0: constant, so it does not change the clustering.
        return out;
    }

    /** One row per (level, image, y, x), levels in order, each level in its {@code N x H x W} layout. */
    float[] perLocation(List<NDArray> features, List<FeatureLevel> levels, List<ImageTargets> targets) {
        int dims = settings.dims();
        int batch = (int) features.get(0).getShape().get(0);
        int points = 0;
        for (NDArray f : features) {
            points += (int) (f.getShape().get(0) * f.getShape().get(2) * f.getShape().get(3));
        }
        float[] out = new float[points * dims];
        float[][] boxes = settings.usesGtScale() && !targets.isEmpty() ? boxesPerImage(targets) : null;
        boolean[] covered = new boolean[points];
        int gtColumn = gtColumn();
        int featureColumn = featureColumn();
        int featureWidth = settings.featureWidth();
        int row = 0;
        for (int l = 0; l < levels.size(); l++) {
            Shape shape = features.get(l).getShape();
            int h = (int) shape.get(2);
            int w = (int) shape.get(3);
            int stride = levels.get(l).stride();
            float[] summary = settings.usesFeatures() ? summarise(features.get(l), l) : null;
            int local = 0;
            for (int n = 0; n < batch; n++) {
                for (int y = 0; y < h; y++) {
                    for (int x = 0; x < w; x++) {
                        int base = row * dims;
                        writeGeometry(out, base, stride, h, w, y, x);
                        if (boxes != null) {
                            float scale = smallestBoxScale(boxes[n], (x + 0.5f) * stride, (y + 0.5f) * stride);
                            if (!Float.isNaN(scale)) {
                                out[base + gtColumn] = scale;
                                covered[row] = true;
                            }
                        }
                        if (summary != null) {
                            System.arraycopy(summary, local * featureWidth, out, base + featureColumn, featureWidth);
                        }
                        row++;
                        local++;
                    }
                }
            }
        }
        if (settings.usesGtScale()) {
            fillNeutralAndWeigh(out, points, dims, gtColumn, covered, settings.gtScaleWeight());
        }
        if (settings.usesFeatures()) {
            for (int c = 0; c < featureWidth; c++) {
                standardiseAndWeigh(out, points, dims, featureColumn + c, settings.featureWeight());
            }
        }
        return out;
    }

    private void writeGeometry(float[] out, int base, int stride, int h, int w, int y, int x) {
        int c = 0;
        if (settings.scaleWeight() > 0) {
            out[base + c++] = settings.scaleWeight() * log2(stride);
        }
        if (settings.usesGtScale()) {
            c++; // filled by perLocation
        }
        if (settings.positionWeight() > 0) {
            out[base + c++] = settings.positionWeight() * (y + 0.5f) / h;
            out[base + c] = settings.positionWeight() * (x + 0.5f) / w;
        }
    }

    private int gtColumn() {
        return settings.scaleWeight() > 0 ? 1 : 0;
    }

    private int featureColumn() {
        return gtColumn() + (settings.usesGtScale() ? 1 : 0) + (settings.positionWeight() > 0 ? 2 : 0);
    }

    /**
     * The level's feature summary as row-major {@code (N*H*W) x featureWidth}, computed with NDArray ops in a scope
     * that frees the intermediates.
     */
    private float[] summarise(NDArray features, int levelIndex) {
        try (NDManager scope = NDManager.subManagerOf(features)) {
            scope.tempAttachAll(features);
            NDArray f = features.toType(DataType.FLOAT32, false);
            if (settings.featureSummary() == FeatureSummary.MEAN) {
                return f.mean(new int[] {1}).toFloatArray();
            }
            int channels = (int) f.getShape().get(1);
            NDArray rows = f.transpose(0, 2, 3, 1).reshape(-1, channels);
            return rows.matMul(projection(scope, channels, levelIndex)).toFloatArray();
        }
    }

    /** A fixed Gaussian {@code C x dims} matrix per level, scaled by 1/sqrt(C); seeded, so stable across calls. */
    private NDArray projection(NDManager manager, int channels, int levelIndex) {
        int dims = settings.featureDims();
        Random random = new Random(settings.seed() + 0x9E3779B97F4A7C15L * (levelIndex + 1));
        float[] m = new float[channels * dims];
        float scale = (float) (1.0 / Math.sqrt(channels));
        for (int i = 0; i < m.length; i++) {
            m[i] = (float) random.nextGaussian() * scale;
        }
        return manager.create(m, new Shape(channels, dims));
    }

    private static float[][] boxesPerImage(List<ImageTargets> targets) {
        float[][] boxes = new float[targets.size()][];
        for (int n = 0; n < boxes.length; n++) {
            NDArray b = targets.get(n).boxes();
            Shape shape = b.getShape();
            if (shape.size() == 0) {
                boxes[n] = new float[0];
                continue;
            }
            if (shape.dimension() != 2 || shape.get(1) != 4) {
                throw new IllegalArgumentException("image " + n + ": boxes must be M x 4, got " + shape);
            }
            try (NDManager scope = NDManager.subManagerOf(b)) {
                scope.tempAttachAll(b);
                boxes[n] = b.toType(DataType.FLOAT32, false).toFloatArray();
            }
        }
        return boxes;
    }

    /**
     * {@code log2(sqrt(area))} of the smallest box ({@code x1, y1, x2, y2} rows) containing the point (borders
     * included), or NaN if none does. Areas below one pixel count as one pixel, so degenerate boxes stay finite.
     */
    static float smallestBoxScale(float[] boxes, float px, float py) {
        float bestArea = Float.POSITIVE_INFINITY;
        for (int b = 0; b + 3 < boxes.length; b += 4) {
            float x1 = boxes[b];
            float y1 = boxes[b + 1];
            float x2 = boxes[b + 2];
            float y2 = boxes[b + 3];
            if (px >= x1 && px <= x2 && py >= y1 && py <= y2) {
                float area = Math.max((x2 - x1) * (y2 - y1), 1f);
                if (area < bestArea) {
                    bestArea = area;
                }
            }
        }
        return bestArea == Float.POSITIVE_INFINITY ? Float.NaN : 0.5f * log2(bestArea);
    }

    private static void fillNeutralAndWeigh(float[] out, int points, int dims, int column, boolean[] covered,
            float weight) {
        double sum = 0;
        long count = 0;
        for (int i = 0; i < points; i++) {
            if (covered[i]) {
                sum += out[i * dims + column];
                count++;
            }
        }
        float neutral = count == 0 ? 0f : (float) (sum / count);
        for (int i = 0; i < points; i++) {
            int at = i * dims + column;
            out[at] = weight * (covered[i] ? out[at] : neutral);
        }
    }

    private static void standardiseAndWeigh(float[] out, int points, int dims, int column, float weight) {
        double sum = 0;
        for (int i = 0; i < points; i++) {
            sum += out[i * dims + column];
        }
        double mean = sum / points;
        double squares = 0;
        for (int i = 0; i < points; i++) {
            double d = out[i * dims + column] - mean;
            squares += d * d;
        }
        double std = Math.sqrt(squares / points);
        // A constant (or numerically constant) column carries no information: zero it rather than divide by ~0.
        boolean constant = !(std > 1e-12 * Math.max(1.0, Math.abs(mean)));
        for (int i = 0; i < points; i++) {
            int at = i * dims + column;
            out[at] = constant ? 0f : (float) (weight * (out[at] - mean) / std);
        }
    }

    private static float log2(double v) {
        return (float) (Math.log(v) / Math.log(2));
    }
}
