package io.hdkd.plugin.kmeans;

import io.hdkd.api.ComponentContext;
import io.hdkd.api.FeaturePartitioner;
import io.hdkd.api.OptionSpec;
import io.hdkd.api.OptionType;
import io.hdkd.api.Options;
import io.hdkd.api.PartitionerFactory;
import io.hdkd.api.OptionProblem;
import java.util.ArrayList;
import java.util.List;

/** Creates {@link KMeansPartitioner}s from the {@code kmeans} partitioner options. */
public final class KMeansPartitionerFactory implements PartitionerFactory {

    public static final String NAME = "kmeans";

    static final String SUBSPACES = "subspaces";
    static final String ITERATIONS = "iterations";
    static final String TOLERANCE = "tolerance";
    static final String RESTARTS = "restarts";
    static final String SEED = "seed";
    static final String SCALE_WEIGHT = "scale-weight";
    static final String POSITION_WEIGHT = "position-weight";
    static final String FEATURE_WEIGHT = "feature-weight";
    static final String FEATURE_SUMMARY = "feature-summary";
    static final String FEATURE_DIMS = "feature-dims";
    static final String GT_SCALE_WEIGHT = "gt-scale-weight";
    static final String WEIGHTING = "weighting";
    static final String MAX_POINTS = "max-points";
    static final String LEVEL_BALANCE = "level-balance";

    /** Mixed into the run's seed so the partitioner's random stream differs from other components'. */
    private static final long SEED_SALT = 0x6b6d65616e73L; // "kmeans" in ASCII

    private static final List<OptionSpec> OPTIONS = List.of(
            OptionSpec.integer(SUBSPACES, 4, "number of subspaces K the feature locations are split into").atLeast(1),
            OptionSpec.integer(ITERATIONS, 50, "maximum Lloyd iterations per k-means++ restart").atLeast(1),
            OptionSpec.number(TOLERANCE, 1e-4,
                    "stop iterating once no centre moves farther than this (Euclidean, in descriptor units)").atLeast(0),
            OptionSpec.integer(RESTARTS, 3, "k-means++ initialisations; the clustering with the lowest inertia wins").atLeast(1),
            new OptionSpec(SEED, OptionType.LONG, null,
                    "seed of all random choices (subsample, k-means++, projections); unset: derived from the run's seed",
                    false, List.of()),
            OptionSpec.number(SCALE_WEIGHT, 1.0,
                    "weight of the level's receptive-field scale log2(stride) in the descriptor; 0 leaves it out").atLeast(0),
            OptionSpec.number(POSITION_WEIGHT, 1.0,
                    "weight of the normalised location (x/W, y/H in [0,1]) in the descriptor; 0 leaves it out").atLeast(0),
            OptionSpec.number(FEATURE_WEIGHT, 0.0,
                    "weight of the standardised feature summary in the descriptor; 0 leaves features unused").atLeast(0),
            OptionSpec.choice(FEATURE_SUMMARY, "mean",
                    "how a location's feature vector is summarised: channel mean, or a fixed random projection",
                    "mean", "projection"),
            OptionSpec.integer(FEATURE_DIMS, 4, "dimensions of the random projection (feature-summary=projection)").atLeast(1),
            OptionSpec.number(GT_SCALE_WEIGHT, 0.0,
                    "weight of the ground-truth object scale log2(sqrt(area)) of the smallest box covering the location;"
                            + " 0 leaves it out").atLeast(0),
            OptionSpec.choice(WEIGHTING, "uniform",
                    "subspace loss weights: uniform 1/K, or balanced (inverse location count, summing to 1)",
                    "uniform", "balanced"),
            OptionSpec.integer(MAX_POINTS, 20000,
                    "at most this many locations (a seeded random subsample) fit the centres; all are then assigned").atLeast(1),
            OptionSpec.bool(LEVEL_BALANCE, true,
                    "give every level the same total mass in the k-means objective, so a coarse level's few locations"
                            + " are not outweighed by a fine level's many"));

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "Splits feature locations of all levels into K subspaces by k-means over receptive-field scale,"
                + " position and optionally object scale and features.";
    }

    @Override
    public List<OptionSpec> options() {
        return OPTIONS;
    }

    /** Declared before any work: K locations are needed to fit K centres, and the descriptor must not be empty. */
    @Override
    public List<OptionProblem> check(Options options) {
        List<OptionProblem> problems = new ArrayList<>();
        if (options.getInt(MAX_POINTS) < options.getInt(SUBSPACES)) {
            problems.add(options.problem(MAX_POINTS, "must be at least " + options.prefix() + SUBSPACES + " ("
                    + options.getInt(SUBSPACES) + ")"));
        }
        if (options.getDouble(SCALE_WEIGHT) == 0 && options.getDouble(POSITION_WEIGHT) == 0
                && options.getDouble(FEATURE_WEIGHT) == 0 && options.getDouble(GT_SCALE_WEIGHT) == 0) {
            problems.add(options.problem(SCALE_WEIGHT, "at least one of " + SCALE_WEIGHT + ", " + POSITION_WEIGHT
                    + ", " + FEATURE_WEIGHT + ", " + GT_SCALE_WEIGHT + " must be > 0"));
        }
        return problems;
    }

    @Override
    public FeaturePartitioner create(Options options, ComponentContext context) {
        return new KMeansPartitioner(settings(options, context));
    }

    /** The options checked against each other; {@code InvalidInputException} names the first bad key. */
    static KMeansSettings settings(Options options, ComponentContext context) {
        int subspaces = atLeast(options, SUBSPACES, 1);
        int iterations = atLeast(options, ITERATIONS, 1);
        int restarts = atLeast(options, RESTARTS, 1);
        int featureDims = atLeast(options, FEATURE_DIMS, 1);
        int maxPoints = atLeast(options, MAX_POINTS, 1);
        if (maxPoints < subspaces) {
            throw options.invalid(MAX_POINTS, "must be at least " + SUBSPACES + " (" + subspaces + ")");
        }
        double tolerance = options.getDouble(TOLERANCE);
        if (tolerance < 0) {
            throw options.invalid(TOLERANCE, "must be >= 0");
        }
        float scale = weight(options, SCALE_WEIGHT);
        float position = weight(options, POSITION_WEIGHT);
        float feature = weight(options, FEATURE_WEIGHT);
        float gtScale = weight(options, GT_SCALE_WEIGHT);
        if (scale == 0 && position == 0 && feature == 0 && gtScale == 0) {
            throw options.invalid(SCALE_WEIGHT, "at least one of " + SCALE_WEIGHT + ", " + POSITION_WEIGHT + ", "
                    + FEATURE_WEIGHT + ", " + GT_SCALE_WEIGHT + " must be > 0");
        }
        long seed = options.has(SEED) ? options.getLong(SEED) : derivedSeed(context.seed());
        return new KMeansSettings(subspaces, iterations, tolerance, restarts, seed, scale, position, feature,
                FeatureSummary.parse(options.getString(FEATURE_SUMMARY)), featureDims, gtScale,
                Weighting.parse(options.getString(WEIGHTING)), maxPoints, options.getBoolean(LEVEL_BALANCE));
    }

    /** A seed that follows the run's seed but is not equal to it (a SplitMix64 finaliser step). */
    static long derivedSeed(long runSeed) {
        long z = runSeed ^ SEED_SALT;
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    private static int atLeast(Options options, String key, int min) {
        int v = options.getInt(key);
        if (v < min) {
            throw options.invalid(key, "must be >= " + min);
        }
        return v;
    }

    private static float weight(Options options, String key) {
        double v = options.getDouble(key);
        if (v < 0) {
            throw options.invalid(key, "a descriptor weight must be >= 0");
        }
        return (float) v;
    }
}
