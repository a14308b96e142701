package io.hdkd.plugin.kmeans;

/**
 * The validated options of one {@code kmeans} partitioner.
 *
 * @param subspaces K
 * @param iterations Lloyd iterations at most per restart
 * @param tolerance stop once no centre moves farther than this
 * @param restarts k-means++ initialisations; the lowest inertia wins
 * @param seed the seed of every random choice (subsample, seeding, projections)
 * @param scaleWeight weight of log2(stride); 0 leaves it out
 * @param positionWeight weight of the normalised (x, y); 0 leaves it out
 * @param featureWeight weight of the standardised feature summary; 0 leaves it out
 * @param featureSummary how the feature vector is summarised
 * @param featureDims dimensions of the random projection
 * @param gtScaleWeight weight of the ground-truth object scale; 0 leaves it out
 * @param weighting how subspace weights are chosen
 * @param maxPoints at most this many points are used to fit the centres
 * @param levelBalance whether every level carries the same total mass in the k-means objective
 */
record KMeansSettings(
        int subspaces,
        int iterations,
        double tolerance,
        int restarts,
        long seed,
        float scaleWeight,
        float positionWeight,
        float featureWeight,
        FeatureSummary featureSummary,
        int featureDims,
        float gtScaleWeight,
        Weighting weighting,
        int maxPoints,
        boolean levelBalance) {

    boolean usesFeatures() {
        return featureWeight > 0;
    }

    boolean usesGtScale() {
        return gtScaleWeight > 0;
    }

    /** Descriptor columns, in order: scale, gt-scale, y, x, feature summary. */
    int dims() {
        return (scaleWeight > 0 ? 1 : 0)
                + (gtScaleWeight > 0 ? 1 : 0)
                + (positionWeight > 0 ? 2 : 0)
                + (featureWeight > 0 ? featureWidth() : 0);
    }

    int featureWidth() {
        return featureSummary == FeatureSummary.MEAN ? 1 : featureDims;
    }
}
