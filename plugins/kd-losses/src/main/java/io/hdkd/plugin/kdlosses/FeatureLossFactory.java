package io.hdkd.plugin.kdlosses;

import io.hdkd.api.ComponentContext;
import io.hdkd.api.DistillationLoss;
import io.hdkd.api.DistillationLossFactory;
import io.hdkd.api.DistillationPair;
import io.hdkd.api.OptionSpec;
import io.hdkd.api.Options;
import java.util.ArrayList;
import java.util.List;

/**
 * What the feature losses share: the levels to distil, their matching to student levels, the adapters and the
 * reduction over levels. Subclasses give the per-level formula and their own options.
 */
abstract class FeatureLossFactory implements DistillationLossFactory {

    static final String ADAPTER = "adapter";
    static final String ADAPTER_NORM = "adapter-norm";
    static final String LEVEL_REDUCTION = "level-reduction";

    private final String defaultAdapter;
    private final boolean defaultAdapterNorm;

    FeatureLossFactory(String defaultAdapter, boolean defaultAdapterNorm) {
        this.defaultAdapter = defaultAdapter;
        this.defaultAdapterNorm = defaultAdapterNorm;
    }

    /** The per-level formula, configured from the options. */
    abstract LevelLoss levelLoss(Options options);

    /** Options beyond the common ones. */
    List<OptionSpec> extraOptions() {
        return List.of();
    }

    /**
     * How this loss compares maps under {@code mask = gt} ({@link FocalImitation}), or null if it offers no mask.
     * Subclasses that return one declare {@link FocalImitation#options()} among their extra options.
     */
    FeatureLoss.Compared compared() {
        return null;
    }

    @Override
    public final List<OptionSpec> options() {
        List<OptionSpec> specs = new ArrayList<>();
        specs.add(OptionSpec.list(LevelMatcher.LEVELS, "",
                "teacher feature taps to distil, each one of the teacher's levels; empty: every pyramid level "
                        + "(p2..p7) the teacher has"));
        specs.add(OptionSpec.list(LevelMatcher.STUDENT_LEVELS, "",
                "student taps paired one-to-one with levels; empty: the student level of equal stride (same name "
                        + "family first), else the nearest stride, resized bilinearly to the teacher's size"));
        specs.add(OptionSpec.choice(ADAPTER, defaultAdapter,
                "1x1 conv from student to teacher channels: auto (only where channels differ), always, never",
                "auto", "always", "never"));
        specs.add(OptionSpec.bool(ADAPTER_NORM, defaultAdapterNorm, "BatchNorm after each adapter's 1x1 conv"));
        specs.add(OptionSpec.choice(LEVEL_REDUCTION, "mean",
                "how the per-level losses (each a mean over its elements) combine: mean or sum over levels",
                "mean", "sum"));
        specs.addAll(extraOptions());
        return List.copyOf(specs);
    }

    @Override
    public final DistillationLoss create(Options options, ComponentContext context) {
        DistillationPair pair = context.pair();
        if (pair == null) {
            throw new IllegalStateException("loss '" + name() + "' must be created with a DistillationPair context");
        }
        List<LevelPair> pairs = LevelMatcher.match(options, pair.teacherLevels(), pair.studentLevels());
        String mode = options.getString(ADAPTER);
        List<LevelPair> adapted = new ArrayList<>();
        int[] adapterIndex = new int[pairs.size()];
        for (int i = 0; i < pairs.size(); i++) {
            LevelPair p = pairs.get(i);
            boolean adapt = mode.equals("always") || (mode.equals("auto") && p.channelsDiffer());
            if (!adapt && p.channelsDiffer()) {
                throw options.invalid(ADAPTER, "teacher level " + p.teacher().name() + " has " + p.teacher().channels()
                        + " channels but student level " + p.student().name() + " has " + p.student().channels()
                        + "; use auto or always");
            }
            adapterIndex[i] = adapt ? adapted.size() : -1;
            if (adapt) {
                adapted.add(p);
            }
        }
        FeatureAdapters adapters = adapted.isEmpty()
                ? null
                : new FeatureAdapters(adapted, options.getBoolean(ADAPTER_NORM), context.seed());
        boolean sum = options.getString(LEVEL_REDUCTION).equals("sum");
        FeatureLoss.Compared compared = compared();
        FocalImitation.Settings focal = compared == null ? null : FocalImitation.settings(options);
        return new FeatureLoss(name(), pairs, adapters, adapterIndex, levelLoss(options), sum, focal, compared);
    }
}
