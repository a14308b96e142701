package io.hdkd.plugin.kmeans;

import java.util.Arrays;
import java.util.Locale;

/** How the loss weight of each subspace is chosen from the number of locations it holds. */
enum Weighting {
    /** Every subspace weighs 1/K, empty or not. */
    UNIFORM,
    /**
     * Inversely proportional to the subspace's location count, normalised to sum to 1; empty subspaces weigh 0.
     * A subspace of a few coarse locations (large objects) then counts as much as one of many fine ones.
     */
    BALANCED;

    static Weighting parse(String option) {
        return valueOf(option.toUpperCase(Locale.ROOT));
    }

    /** One weight per subspace from the per-subspace location counts; never NaN. */
    float[] weights(long[] counts) {
        int k = counts.length;
        float[] w = new float[k];
        if (this == UNIFORM) {
            Arrays.fill(w, 1f / k);
            return w;
        }
        double total = 0;
        for (long c : counts) {
            if (c > 0) {
                total += 1.0 / c;
            }
        }
        if (total == 0) {
            // No locations at all (every level empty): nothing to balance, fall back to uniform.
            Arrays.fill(w, 1f / k);
            return w;
        }
        for (int j = 0; j < k; j++) {
            w[j] = counts[j] > 0 ? (float) ((1.0 / counts[j]) / total) : 0f;
        }
        return w;
    }
}
