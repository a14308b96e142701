package io.hdkd.plugin.kdlosses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Teacher channels grouped by similarity: each channel is described by its row of the channel correlation matrix
 * (Pearson r of the activations over all batch images and locations of all given levels), and the rows are clustered
 * into {@code G} groups of EQUAL size ({@code C / G}, as a grouped convolution needs) by a seeded, size-constrained
 * k-means (k-means++ start, greedy capacity-respecting assignment). Channels that are copies of each other have equal
 * rows, so they land in one group.
 *
 * <p>Runs once on a calibration batch, not per step, so the clustering itself is plain Java over a {@code C x C}
 * matrix; the correlation is computed with NDArray ops.
 *
 * @param groupOf each channel's group in {@code [0, G)}
 * @param permutation channel order that puts group 0's channels first, then group 1's, ... (ascending within a group)
 */
public record ChannelGrouping(int[] groupOf, int[] permutation) {

    private static final int ITERATIONS = 25;
    private static final double EPS = 1e-6;

    public ChannelGrouping {
        groupOf = groupOf.clone();
        permutation = permutation.clone();
    }

    @Override
    public int[] groupOf() {
        return groupOf.clone();
    }

    @Override
    public int[] permutation() {
        return permutation.clone();
    }

    /** The identity grouping of {@code channels} channels into {@code groups} contiguous blocks. */
    static ChannelGrouping contiguous(int channels, int groups) {
        int[] groupOf = new int[channels];
        int[] permutation = new int[channels];
        int size = channels / groups;
        for (int c = 0; c < channels; c++) {
            groupOf[c] = c / size;
            permutation[c] = c;
        }
        return new ChannelGrouping(groupOf, permutation);
    }

    /**
     * Groups the channels of {@code features} (each {@code N x C x H x W}, same C) into {@code groups} groups.
     *
     * @throws IllegalArgumentException if C is not divisible by {@code groups}
     */
    public static ChannelGrouping of(List<NDArray> features, int groups, long seed) {
        float[][] correlation = correlation(features);
        int channels = correlation.length;
        if (groups < 1 || channels % groups != 0) {
            throw new IllegalArgumentException(channels + " channels cannot be split into " + groups + " equal groups");
        }
        int[] groupOf = cluster(correlation, groups, seed);
        Integer[] order = new Integer[channels];
        for (int c = 0; c < channels; c++) {
            order[c] = c;
        }
        Arrays.sort(order, (a, b) -> groupOf[a] != groupOf[b] ? Integer.compare(groupOf[a], groupOf[b])
                : Integer.compare(a, b));
        return new ChannelGrouping(groupOf, Arrays.stream(order).mapToInt(Integer::intValue).toArray());
    }

    /** The {@code C x C} Pearson correlation of the channels over all images and locations of all levels. */
    static float[][] correlation(List<NDArray> features) {
        List<NDArray> rows = new ArrayList<>();
        for (NDArray f : features) {
            long channels = f.getShape().get(1);
            rows.add(f.toType(DataType.FLOAT32, false).transpose(1, 0, 2, 3).reshape(channels, -1));
        }
        NDArray x = rows.size() == 1 ? rows.get(0) : NDArrays.concat(new NDList(rows), 1);
        NDArray centred = x.sub(x.mean(new int[] {1}, true));
        NDArray norm = centred.square().sum(new int[] {1}, true).sqrt().add(EPS);
        NDArray unit = centred.div(norm);
        NDArray corr = unit.matMul(unit.transpose());
        int channels = Math.toIntExact(corr.getShape().get(0));
        float[] flat = corr.toFloatArray();
        float[][] out = new float[channels][];
        for (int c = 0; c < channels; c++) {
            out[c] = Arrays.copyOfRange(flat, c * channels, (c + 1) * channels);
        }
        return out;
    }

    /** Size-constrained k-means of the rows into {@code groups} clusters of {@code rows / groups} rows each. */
    static int[] cluster(float[][] rows, int groups, long seed) {
        int n = rows.length;
        int capacity = n / groups;
        double[][] centres = kMeansPlusPlus(rows, groups, new Random(seed));
        int[] assignment = null;
        for (int iteration = 0; iteration < ITERATIONS; iteration++) {
            int[] next = assign(rows, centres, capacity);
            if (Arrays.equals(next, assignment)) {
                break;
            }
            assignment = next;
            centres = centres(rows, assignment, groups);
        }
        return assignment;
    }

    /**
     * Every (row, centre) pair by ascending distance; a row takes the first centre that still has room. Ties break by
     * row then centre index, so the result is deterministic.
     */
    private static int[] assign(float[][] rows, double[][] centres, int capacity) {
        int n = rows.length;
        int k = centres.length;
        long[] pairs = new long[n * k];
        double[] distance = new double[n * k];
        for (int i = 0; i < n; i++) {
            for (int g = 0; g < k; g++) {
                distance[i * k + g] = squaredDistance(rows[i], centres[g]);
                pairs[i * k + g] = i * (long) k + g;
            }
        }
        Long[] order = Arrays.stream(pairs).boxed().toArray(Long[]::new);
        Arrays.sort(order, (a, b) -> {
            int byDistance = Double.compare(distance[(int) (long) a], distance[(int) (long) b]);
            return byDistance != 0 ? byDistance : Long.compare(a, b);
        });
        int[] assignment = new int[n];
        Arrays.fill(assignment, -1);
        int[] size = new int[k];
        for (Long pair : order) {
            int i = (int) (pair / k);
            int g = (int) (pair % k);
            if (assignment[i] < 0 && size[g] < capacity) {
                assignment[i] = g;
                size[g]++;
            }
        }
        return assignment;
    }

    private static double[][] centres(float[][] rows, int[] assignment, int groups) {
        int dims = rows[0].length;
        double[][] centres = new double[groups][dims];
        int[] count = new int[groups];
        for (int i = 0; i < rows.length; i++) {
            int g = assignment[i];
            count[g]++;
            for (int d = 0; d < dims; d++) {
                centres[g][d] += rows[i][d];
            }
        }
        for (int g = 0; g < groups; g++) {
            for (int d = 0; d < dims; d++) {
                centres[g][d] /= Math.max(count[g], 1);
            }
        }
        return centres;
    }

    /** k-means++: the first centre uniformly, each next one with probability proportional to squared distance. */
    private static double[][] kMeansPlusPlus(float[][] rows, int groups, Random random) {
        int n = rows.length;
        double[][] centres = new double[groups][];
        centres[0] = toDouble(rows[random.nextInt(n)]);
        double[] nearest = new double[n];
        Arrays.fill(nearest, Double.MAX_VALUE);
        for (int g = 1; g < groups; g++) {
            double total = 0;
            for (int i = 0; i < n; i++) {
                nearest[i] = Math.min(nearest[i], squaredDistance(rows[i], centres[g - 1]));
                total += nearest[i];
            }
            int pick = n - 1;
            if (total > 0) {
                double r = random.nextDouble() * total;
                for (int i = 0; i < n; i++) {
                    r -= nearest[i];
                    if (r < 0) {
                        pick = i;
                        break;
                    }
                }
            } else {
                pick = random.nextInt(n);
            }
            centres[g] = toDouble(rows[pick]);
        }
        return centres;
    }

    private static double squaredDistance(float[] row, double[] centre) {
        double sum = 0;
        for (int d = 0; d < row.length; d++) {
            double diff = row[d] - centre[d];
            sum += diff * diff;
        }
        return sum;
    }

    private static double[] toDouble(float[] row) {
        double[] out = new double[row.length];
        for (int d = 0; d < row.length; d++) {
            out[d] = row[d];
        }
        return out;
    }
}
