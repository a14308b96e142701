package io.hdkd.plugin.kmeans;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.FeaturePartitioner;
import io.hdkd.api.ImageTargets;
import io.hdkd.api.Partition;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * Splits the locations of all feature levels into K subspaces by k-means over a receptive-field descriptor (see
 * {@link LocationDescriptors}).
 *
 * <p>When neither features nor ground truth enter the descriptor, it depends on (level, position) only: the distinct
 * positions are clustered once and the result broadcast to every image, which is faster and makes the partition
 * independent of the batch size. Otherwise every location of every image is a point.
 *
 * <p>At most {@code max-points} points (a seeded uniform subsample) fit the centres; then every point goes to its
 * nearest centre. Subspace ids are canonical: non-empty subspaces first, ordered by their centre's descriptor
 * (scale first, so subspace 0 holds the smallest receptive fields), empty ones last. Each call is deterministic for
 * the same inputs and seed.
 */
final class KMeansPartitioner implements FeaturePartitioner {

    private final KMeansSettings settings;
    private final LocationDescriptors descriptors;

    KMeansPartitioner(KMeansSettings settings) {
        this.settings = settings;
        this.descriptors = new LocationDescriptors(settings);
    }

    @Override
    public int subspaces() {
        return settings.subspaces();
    }

    KMeansSettings settings() {
        return settings;
    }

    @Override
    public Partition partition(List<NDArray> features, List<FeatureLevel> levels, List<ImageTargets> targets) {
        int batch = checkShapes(features, levels, targets);
        int levelCount = levels.size();
        int[] heights = new int[levelCount];
        int[] widths = new int[levelCount];
        for (int l = 0; l < levelCount; l++) {
            heights[l] = (int) features.get(l).getShape().get(2);
            widths[l] = (int) features.get(l).getShape().get(3);
        }
        boolean perImage = settings.usesFeatures() || (settings.usesGtScale() && !targets.isEmpty());
        float[] points = perImage
                ? descriptors.perLocation(features, levels, targets)
                : descriptors.perPosition(levels, heights, widths);
        int dims = settings.dims();
        int count = points.length / dims;
        int k = settings.subspaces();
        if (count == 0) {
            return assemble(features, new int[0], heights, widths, batch, perImage, new long[k]);
        }

        Random random = new Random(settings.seed());
        float[] fitPoints = subsample(points, count, dims, random);
        KMeans.Model model = KMeans.fit(fitPoints, fitPoints.length / dims, dims, k, settings.iterations(),
                settings.tolerance(), settings.restarts(), random);
        int[] labels = KMeans.assign(points, count, dims, model.centres(), k);

        long[] counts = new long[k];
        for (int label : labels) {
            counts[label]++;
        }
        int[] canonical = canonicalOrder(model.centres(), dims, counts);
        long[] canonicalCounts = new long[k];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = canonical[labels[i]];
        }
        for (int c = 0; c < k; c++) {
            canonicalCounts[canonical[c]] = counts[c];
        }
        return assemble(features, labels, heights, widths, batch, perImage, canonicalCounts);
    }

    /** The per-level int32 {@code N x H x W} arrays, on each level's feature manager, and the weights. */
    private Partition assemble(List<NDArray> features, int[] labels, int[] heights, int[] widths, int batch,
            boolean perImage, long[] counts) {
        List<NDArray> assignments = new ArrayList<>(features.size());
        int offset = 0;
        for (int l = 0; l < features.size(); l++) {
            int plane = heights[l] * widths[l];
            int[] level = new int[batch * plane];
            if (perImage) {
                System.arraycopy(labels, offset, level, 0, level.length);
                offset += level.length;
            } else {
                for (int n = 0; n < batch; n++) {
                    System.arraycopy(labels, offset, level, n * plane, plane);
                }
                offset += plane;
            }
            assignments.add(features.get(l).getManager().create(level, new Shape(batch, heights[l], widths[l])));
        }
        // Broadcast counts are per image; scaling all by N changes no normalised weight.
        return new Partition(settings.subspaces(), assignments, settings.weighting().weights(counts));
    }

    /** A seeded uniform subsample of at most max-points rows, kept in their original order. */
    private float[] subsample(float[] points, int count, int dims, Random random) {
        int keep = settings.maxPoints();
        if (count <= keep) {
            return points;
        }
        int[] index = new int[count];
        for (int i = 0; i < count; i++) {
            index[i] = i;
        }
        for (int i = 0; i < keep; i++) { // partial Fisher-Yates
            int j = i + random.nextInt(count - i);
            int t = index[i];
            index[i] = index[j];
            index[j] = t;
        }
        int[] chosen = Arrays.copyOf(index, keep);
        Arrays.sort(chosen);
        float[] out = new float[keep * dims];
        for (int r = 0; r < keep; r++) {
            System.arraycopy(points, chosen[r] * dims, out, r * dims, dims);
        }
        return out;
    }

    /**
     * old id to new id: non-empty clusters first, ordered lexicographically by centre (descriptor column order,
     * scale first), then empty ones in their old order.
     */
    static int[] canonicalOrder(float[] centres, int dims, long[] counts) {
        int k = counts.length;
        Integer[] order = new Integer[k];
        for (int c = 0; c < k; c++) {
            order[c] = c;
        }
        Comparator<Integer> byEmptiness = Comparator.comparing(c -> counts[c] == 0);
        Comparator<Integer> byCentre = (a, b) -> {
            if (counts[a] == 0 || counts[b] == 0) {
                return Integer.compare(a, b);
            }
            for (int t = 0; t < dims; t++) {
                int cmp = Float.compare(centres[a * dims + t], centres[b * dims + t]);
                if (cmp != 0) {
                    return cmp;
                }
            }
            return Integer.compare(a, b);
        };
        Arrays.sort(order, byEmptiness.thenComparing(byCentre));
        int[] newId = new int[k];
        for (int rank = 0; rank < k; rank++) {
            newId[order[rank]] = rank;
        }
        return newId;
    }

    private static int checkShapes(List<NDArray> features, List<FeatureLevel> levels, List<ImageTargets> targets) {
        if (features.isEmpty() || features.size() != levels.size()) {
            throw new IllegalArgumentException(
                    "need one feature map per level: " + features.size() + " maps, " + levels.size() + " levels");
        }
        long batch = -1;
        for (int l = 0; l < features.size(); l++) {
            Shape s = features.get(l).getShape();
            if (s.dimension() != 4) {
                throw new IllegalArgumentException(
                        "level " + levels.get(l).name() + ": expected N x C x H x W features, got " + s);
            }
            if (batch >= 0 && s.get(0) != batch) {
                throw new IllegalArgumentException("level " + levels.get(l).name() + ": batch " + s.get(0)
                        + " differs from the first level's " + batch);
            }
            batch = s.get(0);
        }
        if (!targets.isEmpty() && targets.size() != batch) {
            throw new IllegalArgumentException(
                    "need targets for every image or none: " + targets.size() + " targets, batch " + batch);
        }
        return (int) batch;
    }
}
