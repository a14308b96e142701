package io.hdkd.plugin.kmeans;

import java.util.Locale;

/**
 * How a location's feature vector enters the descriptor. Levels have different channel counts, so the vector is
 * summarised to a few dimensions that mean the same thing on every level.
 */
enum FeatureSummary {
    /** One dimension: the mean over channels (an activation-strength proxy). */
    MEAN,
    /**
     * {@code feature-dims} dimensions: a fixed Gaussian random projection per level, scaled by 1/sqrt(C) so that
     * projected values have the same spread whatever the level's channel count (Johnson-Lindenstrauss).
     */
    PROJECTION;

    static FeatureSummary parse(String option) {
        return valueOf(option.toUpperCase(Locale.ROOT));
    }
}
