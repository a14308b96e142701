package io.hdkd.plugin.kdlosses;

import io.hdkd.api.ComponentContext;
import io.hdkd.api.DistillationLoss;
import io.hdkd.api.DistillationLossFactory;
import io.hdkd.api.DistillationPair;
import io.hdkd.api.InvalidInputException;
import io.hdkd.api.OptionSpec;
import io.hdkd.api.Options;
import io.hdkd.api.WeightSchedule;
import java.util.ArrayList;
import java.util.Arrays;
import io.hdkd.api.OptionProblem;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code hdkd}: hdkd's own composite loss ({@link HdkdLoss}). Its ablation runs from configuration alone:
 * {@code partition} (partitioner / levels / off), {@code channel-split} (true / false), {@code combination}
 * (weights / attention / off) and {@code soft-target-weight} (0 leaves dark knowledge out).
 */
public final class HdkdLossFactory implements DistillationLossFactory {

    private static final Logger LOG = LoggerFactory.getLogger(HdkdLossFactory.class);

    static final String PARTITION = "partition";
    static final String SUBSPACES = "subspaces";
    static final String SUBSPACE_WEIGHTS = "subspace-weights";
    static final String CHANNEL_SPLIT = "channel-split";
    static final String GROUPS = "groups";
    static final String ADAPTER_KERNEL = "adapter-kernel";
    static final String COMBINATION = "combination";
    static final String NORMALIZE = "normalize";
    static final String FEATURE_WEIGHT = "feature-weight";
    static final String SOFT_TARGET_WEIGHT = "soft-target-weight";
    static final String TEMPERATURE = "temperature";
    /** Prefixes of the per-term schedules ({@link WeightSchedule#options}). */
    static final String FEATURE_SCHEDULE = "feature-schedule";
    static final String SOFT_TARGET_SCHEDULE = "soft-target-schedule";

    @Override
    public String name() {
        return "hdkd";
    }

    @Override
    public String description() {
        return "hdkd's method: receptive-field subspaces (from the partitioner) each with its own grouped-conv adapter "
                + "(groups follow a correlation clustering of the teacher's channels), combined by learned weights "
                + "into one student map; squared error normalised within each subspace; plus soft targets when the "
                + "heads agree. Works across head types through the feature term";
    }

    @Override
    public List<OptionSpec> options() {
        List<OptionSpec> specs = new ArrayList<>(baseOptions());
        specs.addAll(FocalImitation.options());
        specs.addAll(WeightSchedule.options(FEATURE_SCHEDULE, "the feature term's weight"));
        specs.addAll(WeightSchedule.options(SOFT_TARGET_SCHEDULE, "the soft-target term's weight"));
        return List.copyOf(specs);
    }

    private static List<OptionSpec> baseOptions() {
        return List.of(
                OptionSpec.list(LevelMatcher.LEVELS, "",
                        "teacher feature taps to distil (all with the same channels; empty: every pyramid level "
                                + "p2..p7 the teacher has); with partition=partitioner the "
                                + "partitioner must split exactly these levels, in this order"),
                OptionSpec.list(LevelMatcher.STUDENT_LEVELS, "",
                        "student taps paired one-to-one with levels; empty: matched by stride as the other feature "
                                + "losses do"),
                OptionSpec.choice(PARTITION, "partitioner",
                        "where subspaces come from: partitioner (the configured partitioner's K; without one, the "
                                + "levels split into K stride-contiguous groups, with a warning), levels (one per "
                                + "level), off (a single subspace)",
                        "partitioner", "levels", "off"),
                OptionSpec.integer(SUBSPACES, 4,
                        "K for partition=partitioner; must equal the partitioner's number of subspaces").atLeast(1),
                OptionSpec.list(SUBSPACE_WEIGHTS, "",
                        "one loss weight per subspace (normalised to sum 1); empty: equal weights; 'partition': the "
                                + "partitioner's own weights (e.g. kmeans weighting = balanced)"),
                OptionSpec.bool(CHANNEL_SPLIT, true,
                        "group the teacher's channels by correlation (first batch) and share adapter weights within "
                                + "a group (grouped conv); false: each adapter is a plain conv"),
                OptionSpec.integer(GROUPS, 8, "number of channel groups G (must divide the teacher's channels)").atLeast(1),
                OptionSpec.integer(ADAPTER_KERNEL, 1,
                        "kernel size of each subspace adapter (odd); 1 keeps K adapters cheap on CPU, 3 lets them "
                                + "also mix neighbouring locations at 9x the cost").atLeast(1),
                OptionSpec.choice(COMBINATION, "weights",
                        "how the subspaces' adapted maps form the student map: weights (per subspace a learned "
                                + "softmax over the K adapters, starting at 0.9 on its own), attention (a learned "
                                + "per-location softmax from the student's features), off (each location uses its own "
                                + "subspace's adapter)",
                        "weights", "attention", "off"),
                OptionSpec.bool(NORMALIZE, true,
                        "standardise student and teacher maps per channel over (N, H, W) before the squared error, so"
                                + " the term is scale-free across architectures"),
                OptionSpec.number(FEATURE_WEIGHT, 1.0, "weight of the feature term").atLeast(0),
                OptionSpec.number(SOFT_TARGET_WEIGHT, 1.0,
                        "weight of the soft-target term (binary KL for sigmoid heads); used only when both heads "
                                + "have the same type; 0 leaves it out").atLeast(0),
                OptionSpec.number(TEMPERATURE, 1.0, "soft-target temperature T > 0"));
    }

    /** Declared before any work; the checks that need the teacher's channels run when the loss is created. */
    @Override
    public List<OptionProblem> check(Options options) {
        List<OptionProblem> problems = new ArrayList<>();
        if (options.getInt(ADAPTER_KERNEL) % 2 == 0) {
            problems.add(options.problem(ADAPTER_KERNEL, "must be odd, so the adapted map keeps its size"));
        }
        if (!(options.getDouble(TEMPERATURE) > 0)) {
            problems.add(options.problem(TEMPERATURE, "the temperature must be > 0"));
        }
        return problems;
    }

    @Override
    public DistillationLoss create(Options options, ComponentContext context) {
        DistillationPair pair = context.pair();
        if (pair == null) {
            throw new IllegalStateException("loss 'hdkd' must be created with a DistillationPair context");
        }
        List<LevelPair> pairs = LevelMatcher.match(options, pair.teacherLevels(), pair.studentLevels());
        int channels = pairs.get(0).teacher().channels();
        for (LevelPair p : pairs) {
            if (p.teacher().channels() != channels) {
                throw options.invalid(LevelMatcher.LEVELS, "all levels need the same teacher channels; "
                        + pairs.get(0).teacher().name() + " has " + channels + ", " + p.teacher().name() + " has "
                        + p.teacher().channels() + " (use the neck's levels, e.g. p3..p7)");
            }
        }
        HdkdLoss.PartitionSource source =
                HdkdLoss.PartitionSource.valueOf(options.getString(PARTITION).toUpperCase(Locale.ROOT));
        int subspaces = switch (source) {
            case PARTITIONER -> atLeast(options, SUBSPACES, 1);
            case LEVELS -> pairs.size();
            case OFF -> 1;
        };
        double[] subspaceWeights = subspaceWeights(options, subspaces);
        boolean split = options.getBoolean(CHANNEL_SPLIT);
        int groups = split ? atLeast(options, GROUPS, 1) : 1;
        if (channels % groups != 0) {
            throw options.invalid(GROUPS, "must divide the teacher's " + channels + " channels");
        }
        int kernel = atLeast(options, ADAPTER_KERNEL, 1);
        if (kernel % 2 == 0) {
            throw options.invalid(ADAPTER_KERNEL, "must be odd, so the adapted map keeps its size");
        }
        HdkdAdapters.Combination combination =
                HdkdAdapters.Combination.valueOf(options.getString(COMBINATION).toUpperCase(Locale.ROOT));
        double featureWeight = nonNegative(options, FEATURE_WEIGHT);
        double softWeight = nonNegative(options, SOFT_TARGET_WEIGHT);
        double temperature = options.getDouble(TEMPERATURE);
        if (!(temperature > 0)) {
            throw options.invalid(TEMPERATURE, "the temperature must be > 0");
        }

        List<LevelPair> aligned = new ArrayList<>();
        int[] alignIndex = new int[pairs.size()];
        for (int i = 0; i < pairs.size(); i++) {
            alignIndex[i] = pairs.get(i).channelsDiffer() ? aligned.size() : -1;
            if (pairs.get(i).channelsDiffer()) {
                aligned.add(pairs.get(i));
            }
        }
        FeatureAdapters align = aligned.isEmpty() ? null : new FeatureAdapters(aligned, false, context.seed());
        HdkdAdapters adapters = new HdkdAdapters(align, channels, subspaces, groups, kernel, combination,
                context.seed());
        SoftTargetKlLoss softTargets = softWeight > 0 ? softTargets(pair, context, temperature) : null;
        HdkdLoss.Settings settings = new HdkdLoss.Settings(source, subspaces, subspaceWeights, split, groups,
                options.getBoolean(NORMALIZE), featureWeight, softWeight, context.seed());
        HdkdLoss.Extras extras = new HdkdLoss.Extras(FocalImitation.settings(options),
                WeightSchedule.of(options, FEATURE_SCHEDULE), WeightSchedule.of(options, SOFT_TARGET_SCHEDULE));
        return new HdkdLoss(pairs, alignIndex, adapters, settings, softTargets, extras);
    }

    /** The soft-target term through the {@code kl} loss's own matching, or null (with a note) when it cannot apply. */
    private static SoftTargetKlLoss softTargets(DistillationPair pair, ComponentContext context, double temperature) {
        SoftTargetKlLossFactory kl = new SoftTargetKlLossFactory();
        Options klOptions = Options.of("hdkd.soft-targets.", kl.options(),
                Map.of(SoftTargetKlLossFactory.TEMPERATURE, Double.toString(temperature)));
        try {
            return (SoftTargetKlLoss) kl.create(klOptions, context);
        } catch (InvalidInputException e) {
            LOG.info("loss 'hdkd': soft targets skipped, the feature term works alone ({})", e.getMessage());
            return null;
        }
    }

    private static double[] subspaceWeights(Options options, int subspaces) {
        List<String> given = options.getList(SUBSPACE_WEIGHTS);
        if (given.equals(List.of("partition"))) {
            return null;
        }
        double[] weights = new double[subspaces];
        if (given.isEmpty()) {
            Arrays.fill(weights, 1.0);
            return weights;
        }
        if (given.size() != subspaces) {
            throw options.invalid(SUBSPACE_WEIGHTS, "needs one weight per subspace (" + subspaces + "), got "
                    + given.size());
        }
        double sum = 0;
        for (int k = 0; k < subspaces; k++) {
            try {
                weights[k] = Double.parseDouble(given.get(k));
            } catch (NumberFormatException e) {
                throw options.invalid(SUBSPACE_WEIGHTS, "'" + given.get(k) + "' is not a number");
            }
            if (!(weights[k] >= 0) || Double.isInfinite(weights[k])) {
                throw options.invalid(SUBSPACE_WEIGHTS, "weights must be finite and >= 0, got " + given.get(k));
            }
            sum += weights[k];
        }
        if (sum <= 0) {
            throw options.invalid(SUBSPACE_WEIGHTS, "at least one weight must be > 0");
        }
        return weights;
    }

    private static int atLeast(Options options, String key, int min) {
        int v = options.getInt(key);
        if (v < min) {
            throw options.invalid(key, "must be >= " + min);
        }
        return v;
    }

    private static double nonNegative(Options options, String key) {
        double v = options.getDouble(key);
        if (!(v >= 0) || Double.isInfinite(v)) {
            throw options.invalid(key, "must be a finite number >= 0");
        }
        return v;
    }
}
