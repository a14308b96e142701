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
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Splits the locations of all feature levels into K subspaces by k-means over a receptive-field descriptor (see
 * {@link LocationDescriptors}).
 *
 * <p>When neither features nor ground truth enter the descriptor, it depends on (level, position) only: the distinct
 * positions are clustered once and the result broadcast to every image, which is faster and makes the partition
 * independent of the batch size. Otherwise every location of every image is a point.
 *
 * <p>With {@code level-balance} (default) every level has the same total mass in the k-means objective. At most
 * {@code max-points} points (a seeded uniform subsample) fit the centres; then every point goes to its
 * nearest centre. Subspace ids are canonical: non-empty subspaces first, ordered by their centre's descriptor
 * (scale first, so subspace 0 holds the smallest receptive fields), empty ones last. Each call is deterministic for
 * the same inputs and seed.
 */
final class KMeansPartitioner implements FeaturePartitioner {

    /** Subspace per point (canonical ids) and the number of points per subspace. */
    private record Clustering(int[] labels, long[] counts) {}

    private record CachedClustering(List<Integer> geometry, Clustering clustering) {}

    private final KMeansSettings settings;
    private final LocationDescriptors descriptors;
    /** Immutable once published; a racing second fit computes the same answer, so volatile suffices. */
    private volatile CachedClustering lastPositionClustering;
    private final AtomicInteger positionFits = new AtomicInteger();

    KMeansPartitioner(KMeansSettings settings) {
        this.settings = settings;
        this.descriptors = new LocationDescriptors(settings);
    }

    @Override
    public int subspaces() {
        return settings.subspaces();
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
        Clustering clustering;
        if (perImage) {
            clustering = cluster(descriptors.perLocation(features, levels, targets), heights, widths, batch);
        } else {
            clustering = positionClustering(levels, heights, widths);
        }
        return assemble(features, clustering, heights, widths, batch, perImage);
    }

    /**
     * The clustering of the distinct (level, position) points, remembered for the last level geometry: a trainer
     * partitions every step with the same shapes, and the answer depends on the geometry and the settings only.
     */
    private Clustering positionClustering(List<FeatureLevel> levels, int[] heights, int[] widths) {
        List<Integer> geometry = new ArrayList<>();
        for (int l = 0; l < levels.size(); l++) {
            geometry.add(levels.get(l).stride());
            geometry.add(heights[l]);
            geometry.add(widths[l]);
        }
        CachedClustering cached = lastPositionClustering;
        if (cached != null && cached.geometry().equals(geometry)) {
            return cached.clustering();
        }
        Clustering fresh = cluster(descriptors.perPosition(levels, heights, widths), heights, widths, 1);
        lastPositionClustering = new CachedClustering(List.copyOf(geometry), fresh);
        positionFits.incrementAndGet();
        return fresh;
    }

    /** How many position clusterings were computed (not served from the cache); for tests. */
    int positionFits() {
        return positionFits.get();
    }

    /**
     * Fits on (a subsample of) the points, assigns every point and renumbers subspaces canonically.
     *
     * @param copies how many images the points cover per level (1 for distinct positions)
     */
    private Clustering cluster(float[] points, int[] heights, int[] widths, int copies) {
        int dims = settings.dims();
        int count = points.length / dims;
        int k = settings.subspaces();
        if (count == 0) {
            return new Clustering(new int[0], new long[k]);
        }
        Random random = new Random(settings.seed());
        double[] mass = settings.levelBalance() ? levelMass(heights, widths, copies) : null;
        int[] chosen = subsample(count, random);
        float[] fitPoints = chosen == null ? points : gather(points, dims, chosen);
        double[] fitMass = chosen == null || mass == null ? mass : gather(mass, chosen);
        KMeans.Model model = KMeans.fit(fitPoints, fitMass, fitPoints.length / dims, dims, k, settings.iterations(),
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
        return new Clustering(labels, canonicalCounts);
    }

    /** The per-level int32 {@code N x H x W} arrays, on each level's feature manager, and the weights. */
    private Partition assemble(List<NDArray> features, Clustering clustering, int[] heights, int[] widths,
            int batch, boolean perImage) {
        int[] labels = clustering.labels();
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
        return new Partition(settings.subspaces(), assignments, settings.weighting().weights(clustering.counts()));
    }

    /**
     * Each point's mass when levels are balanced: 1 / (number of points of its level), so every level weighs 1 in
     * total. Without it, k-means (which sums over points) would let the finest level's spatial spread decide the
     * clustering and merge a coarse level of a few dozen locations into whatever cluster is nearest.
     */
    private static double[] levelMass(int[] heights, int[] widths, int copies) {
        int total = 0;
        for (int l = 0; l < heights.length; l++) {
            total += copies * heights[l] * widths[l];
        }
        double[] mass = new double[total];
        int at = 0;
        for (int l = 0; l < heights.length; l++) {
            int size = copies * heights[l] * widths[l];
            Arrays.fill(mass, at, at + size, 1.0 / size);
            at += size;
        }
        return mass;
    }

    /** Sorted indices of a seeded uniform subsample of max-points rows, or null if all rows fit. */
    private int[] subsample(int count, Random random) {
        int keep = settings.maxPoints();
        if (count <= keep) {
            return null;
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
        return chosen;
    }

    private static float[] gather(float[] points, int dims, int[] rows) {
        float[] out = new float[rows.length * dims];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(points, rows[r] * dims, out, r * dims, dims);
        }
        return out;
    }

    private static double[] gather(double[] values, int[] rows) {
        double[] out = new double[rows.length];
        for (int r = 0; r < rows.length; r++) {
            out[r] = values[rows[r]];
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
