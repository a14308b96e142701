package io.hdkd.plugin.kmeans;

import java.util.Arrays;
import java.util.Random;

/**
 * Plain k-means on a row-major {@code n x d} float matrix: k-means++ seeding, bounded Lloyd iterations, a few
 * restarts keeping the lowest inertia.
 *
 * <p>Why primitive loops and not NDArray ops: the point sets are small (thousands, capped by {@code max-points})
 * and the dimension tiny (3 to ~8), so one {@code n x K x d} distance pass is well under a millisecond in a tight
 * loop, while each NDArray op costs a native call and an allocation of similar size. k-means++ seeding is
 * sequential by nature. Above all, a single-threaded loop with double accumulators in a fixed order is bit-for-bit
 * deterministic, independent of the engine, its thread count and BLAS; a partition that moved between runs with the
 * same seed would make distillation runs irreproducible.
 *
 * <p>Ties (equal distances) always go to the lowest centre index. That makes duplicate centres harmless: the later
 * copy simply stays empty.
 *
 * <p>Empty clusters during Lloyd iterations are re-seeded at the point farthest from its current centre (then the
 * next farthest, with distances updated, for a second empty cluster). If every point already sits exactly on a
 * centre (farthest distance 0: fewer distinct points than K), the empty cluster keeps its old centre and stays empty,
 * which is the honest answer.
 */
final class KMeans {

    /**
     * A fitted model.
     *
     * @param centres row-major {@code k x dims}
     * @param inertia the sum of squared distances of the fitted points to their centres
     * @param iterations Lloyd iterations run by the winning restart
     */
    record Model(float[] centres, int k, int dims, double inertia, int iterations) {}

    private KMeans() {}

    /**
     * Fits K centres to {@code n} points.
     *
     * @param points row-major {@code n x d}, n >= 1
     * @param maxIterations Lloyd iterations at most, >= 1
     * @param tolerance stop once no centre moves farther than this (Euclidean, descriptor units)
     * @param restarts k-means++ initialisations, >= 1; the lowest inertia wins (ties: the first)
     */
    static Model fit(float[] points, int n, int d, int k, int maxIterations, double tolerance, int restarts,
            Random random) {
        if (n < 1 || d < 1 || k < 1 || points.length != n * d) {
            throw new IllegalArgumentException("bad k-means input: n=" + n + " d=" + d + " k=" + k);
        }
        Model best = null;
        for (int r = 0; r < restarts; r++) {
            float[] centres = seedPlusPlus(points, n, d, k, random);
            Model m = lloyd(points, n, d, centres, k, maxIterations, tolerance);
            if (best == null || m.inertia() < best.inertia()) {
                best = m;
            }
        }
        return best;
    }

    /** k-means++ (Arthur and Vassilvitskii 2007): each next centre drawn with probability proportional to D^2. */
    static float[] seedPlusPlus(float[] points, int n, int d, int k, Random random) {
        float[] centres = new float[k * d];
        int first = random.nextInt(n);
        System.arraycopy(points, first * d, centres, 0, d);
        double[] nearest = new double[n];
        for (int i = 0; i < n; i++) {
            nearest[i] = squaredDistance(points, i * d, centres, 0, d);
        }
        for (int j = 1; j < k; j++) {
            double total = 0;
            for (int i = 0; i < n; i++) {
                total += nearest[i];
            }
            int pick;
            if (total <= 0) {
                // Every point coincides with a chosen centre: duplicate the first; it stays empty (ties go low).
                pick = first;
            } else {
                pick = sample(nearest, total, random);
            }
            System.arraycopy(points, pick * d, centres, j * d, d);
            for (int i = 0; i < n; i++) {
                double dist = squaredDistance(points, i * d, centres, j * d, d);
                if (dist < nearest[i]) {
                    nearest[i] = dist;
                }
            }
        }
        return centres;
    }

    /** Lloyd iterations from the given centres (not modified). */
    static Model lloyd(float[] points, int n, int d, float[] initialCentres, int k, int maxIterations,
            double tolerance) {
        float[] centres = initialCentres.clone();
        int[] labels = new int[n];
        double[] dist = new double[n];
        int iterations = 0;
        for (int it = 0; it < maxIterations; it++) {
            iterations = it + 1;
            assign(points, n, d, centres, k, labels, dist);
            double[] sums = new double[k * d];
            long[] counts = new long[k];
            for (int i = 0; i < n; i++) {
                int c = labels[i];
                counts[c]++;
                int row = i * d;
                int crow = c * d;
                for (int t = 0; t < d; t++) {
                    sums[crow + t] += points[row + t];
                }
            }
            float[] next = new float[k * d];
            for (int c = 0; c < k; c++) {
                for (int t = 0; t < d; t++) {
                    next[c * d + t] = counts[c] > 0 ? (float) (sums[c * d + t] / counts[c]) : centres[c * d + t];
                }
            }
            for (int c = 0; c < k; c++) {
                if (counts[c] == 0) {
                    reseedAtFarthest(points, n, d, next, c, dist);
                }
            }
            double maxShift = 0;
            for (int c = 0; c < k; c++) {
                maxShift = Math.max(maxShift, squaredDistance(centres, c * d, next, c * d, d));
            }
            centres = next;
            if (Math.sqrt(maxShift) <= tolerance) {
                break;
            }
        }
        double inertia = assign(points, n, d, centres, k, labels, dist);
        return new Model(centres, k, d, inertia, iterations);
    }

    /** The nearest centre of every point (ties: lowest index). */
    static int[] assign(float[] points, int n, int d, float[] centres, int k) {
        int[] labels = new int[n];
        assign(points, n, d, centres, k, labels, new double[n]);
        return labels;
    }

    /** Fills labels and squared distances to the nearest centre; returns their sum (the inertia). */
    private static double assign(float[] points, int n, int d, float[] centres, int k, int[] labels, double[] dist) {
        double inertia = 0;
        for (int i = 0; i < n; i++) {
            int row = i * d;
            int best = 0;
            double bestDist = squaredDistance(points, row, centres, 0, d);
            for (int c = 1; c < k; c++) {
                double dd = squaredDistance(points, row, centres, c * d, d);
                if (dd < bestDist) {
                    bestDist = dd;
                    best = c;
                }
            }
            labels[i] = best;
            dist[i] = bestDist;
            inertia += bestDist;
        }
        return inertia;
    }

    /**
     * Moves empty centre {@code c} onto the point farthest from its centre, then lowers the distances so a second
     * empty centre picks another point. Leaves the centre where it is if every point sits on a centre.
     */
    private static void reseedAtFarthest(float[] points, int n, int d, float[] centres, int c, double[] dist) {
        int far = -1;
        double farDist = 0;
        for (int i = 0; i < n; i++) {
            if (dist[i] > farDist) {
                farDist = dist[i];
                far = i;
            }
        }
        if (far < 0) {
            return;
        }
        System.arraycopy(points, far * d, centres, c * d, d);
        for (int i = 0; i < n; i++) {
            double dd = squaredDistance(points, i * d, centres, c * d, d);
            if (dd < dist[i]) {
                dist[i] = dd;
            }
        }
    }

    /** Index drawn with probability weight[i] / total; only indices with positive weight can come out. */
    private static int sample(double[] weight, double total, Random random) {
        double r = random.nextDouble() * total;
        double cumulative = 0;
        int lastPositive = -1;
        for (int i = 0; i < weight.length; i++) {
            if (weight[i] > 0) {
                cumulative += weight[i];
                lastPositive = i;
                if (cumulative > r) {
                    return i;
                }
            }
        }
        return lastPositive; // rounding left r at the very top
    }

    static double squaredDistance(float[] a, int aOffset, float[] b, int bOffset, int d) {
        double s = 0;
        for (int t = 0; t < d; t++) {
            double diff = (double) a[aOffset + t] - b[bOffset + t];
            s += diff * diff;
        }
        return s;
    }

    /** For tests and logging: the centres as rows. */
    static float[][] rows(Model m) {
        float[][] out = new float[m.k()][];
        for (int c = 0; c < m.k(); c++) {
            out[c] = Arrays.copyOfRange(m.centres(), c * m.dims(), (c + 1) * m.dims());
        }
        return out;
    }
}
