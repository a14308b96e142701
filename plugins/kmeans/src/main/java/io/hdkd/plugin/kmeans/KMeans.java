package io.hdkd.plugin.kmeans;

import java.util.Arrays;
import java.util.Random;

/**
 * Weighted k-means on a row-major {@code n x d} float matrix: greedy k-means++ seeding, bounded Lloyd iterations, a
 * few restarts keeping the lowest inertia. Each point has a positive weight (its mass in the objective and in the
 * means); null weights mean 1 each.
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
     * @param inertia the weighted sum of squared distances of the fitted points to their centres
     * @param iterations Lloyd iterations run by the winning restart
     */
    record Model(float[] centres, int k, int dims, double inertia, int iterations) {}

    private KMeans() {}

    /** {@link #fit(float[], double[], int, int, int, int, double, int, Random)} with unit weights. */
    static Model fit(float[] points, int n, int d, int k, int maxIterations, double tolerance, int restarts,
            Random random) {
        return fit(points, null, n, d, k, maxIterations, tolerance, restarts, random);
    }

    /**
     * Fits K centres to {@code n} points.
     *
     * @param points row-major {@code n x d}, n >= 1
     * @param weights one positive weight per point, or null for 1 each
     * @param maxIterations Lloyd iterations at most, >= 1
     * @param tolerance stop once no centre moves farther than this (Euclidean, descriptor units)
     * @param restarts k-means++ initialisations, >= 1; the lowest inertia wins (ties: the first)
     */
    static Model fit(float[] points, double[] weights, int n, int d, int k, int maxIterations, double tolerance,
            int restarts, Random random) {
        if (n < 1 || d < 1 || k < 1 || points.length != n * d || (weights != null && weights.length != n)) {
            throw new IllegalArgumentException("bad k-means input: n=" + n + " d=" + d + " k=" + k);
        }
        double[] w = weights != null ? weights : unitWeights(n);
        Model best = null;
        for (int r = 0; r < restarts; r++) {
            float[] centres = seedPlusPlus(points, w, n, d, k, random);
            Model m = lloyd(points, w, n, d, centres, k, maxIterations, tolerance);
            if (best == null || m.inertia() < best.inertia()) {
                best = m;
            }
        }
        return best;
    }

    /**
     * Greedy k-means++ (Arthur and Vassilvitskii 2007, greedy variant as in scikit-learn): each next centre is the
     * best of {@code 2 + ln K} candidates drawn with probability proportional to weight x D^2, "best" meaning the
     * lowest resulting potential. The first centre is drawn proportionally to weight.
     */
    static float[] seedPlusPlus(float[] points, double[] w, int n, int d, int k, Random random) {
        float[] centres = new float[k * d];
        int first = sample(w, sum(w), random);
        System.arraycopy(points, first * d, centres, 0, d);
        double[] nearest = new double[n];
        for (int i = 0; i < n; i++) {
            nearest[i] = squaredDistance(points, i * d, centres, 0, d);
        }
        int candidates = 2 + (int) Math.log(k);
        double[] potential = new double[n];
        double[] trial = new double[n];
        double[] bestTrial = new double[n];
        for (int j = 1; j < k; j++) {
            double total = 0;
            for (int i = 0; i < n; i++) {
                potential[i] = w[i] * nearest[i];
                total += potential[i];
            }
            if (total <= 0) {
                // Every point coincides with a chosen centre: duplicate the first; it stays empty (ties go low).
                System.arraycopy(points, first * d, centres, j * d, d);
                continue;
            }
            int pick = -1;
            double bestPotential = Double.POSITIVE_INFINITY;
            for (int t = 0; t < candidates; t++) {
                int candidate = sample(potential, total, random);
                double sum = 0;
                for (int i = 0; i < n; i++) {
                    trial[i] = Math.min(nearest[i], squaredDistance(points, i * d, points, candidate * d, d));
                    sum += w[i] * trial[i];
                }
                if (sum < bestPotential) {
                    bestPotential = sum;
                    pick = candidate;
                    System.arraycopy(trial, 0, bestTrial, 0, n);
                }
            }
            System.arraycopy(points, pick * d, centres, j * d, d);
            System.arraycopy(bestTrial, 0, nearest, 0, n);
        }
        return centres;
    }

    /** Lloyd iterations from the given centres (not modified), unit weights. */
    static Model lloyd(float[] points, int n, int d, float[] initialCentres, int k, int maxIterations,
            double tolerance) {
        return lloyd(points, unitWeights(n), n, d, initialCentres, k, maxIterations, tolerance);
    }

    /** Lloyd iterations from the given centres (not modified). */
    static Model lloyd(float[] points, double[] w, int n, int d, float[] initialCentres, int k, int maxIterations,
            double tolerance) {
        float[] centres = initialCentres.clone();
        int[] labels = new int[n];
        double[] dist = new double[n];
        int iterations = 0;
        for (int it = 0; it < maxIterations; it++) {
            iterations = it + 1;
            assign(points, w, n, d, centres, k, labels, dist);
            double[] sums = new double[k * d];
            double[] mass = new double[k];
            for (int i = 0; i < n; i++) {
                int c = labels[i];
                mass[c] += w[i];
                int row = i * d;
                int crow = c * d;
                for (int t = 0; t < d; t++) {
                    sums[crow + t] += w[i] * points[row + t];
                }
            }
            float[] next = new float[k * d];
            for (int c = 0; c < k; c++) {
                for (int t = 0; t < d; t++) {
                    next[c * d + t] = mass[c] > 0 ? (float) (sums[c * d + t] / mass[c]) : centres[c * d + t];
                }
            }
            for (int c = 0; c < k; c++) {
                if (mass[c] == 0) {
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
        double inertia = assign(points, w, n, d, centres, k, labels, dist);
        return new Model(centres, k, d, inertia, iterations);
    }

    /** The nearest centre of every point (ties: lowest index). */
    static int[] assign(float[] points, int n, int d, float[] centres, int k) {
        int[] labels = new int[n];
        assign(points, unitWeights(n), n, d, centres, k, labels, new double[n]);
        return labels;
    }

    /** Fills labels and squared distances to the nearest centre; returns their weighted sum (the inertia). */
    private static double assign(float[] points, double[] w, int n, int d, float[] centres, int k, int[] labels,
            double[] dist) {
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
            inertia += w[i] * bestDist;
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

    private static double sum(double[] values) {
        double s = 0;
        for (double v : values) {
            s += v;
        }
        return s;
    }

    private static double[] unitWeights(int n) {
        double[] w = new double[n];
        Arrays.fill(w, 1.0);
        return w;
    }

    static double squaredDistance(float[] a, int aOffset, float[] b, int bOffset, int d) {
        double s = 0;
        for (int t = 0; t < d; t++) {
            double diff = (double) a[aOffset + t] - b[bOffset + t];
            s += diff * diff;
        }
        return s;
    }
}
