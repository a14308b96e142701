package io.hdkd.api;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A factor in {@code [0, 1]} (or above, for {@code step} with a factor over 1) that scales a loss weight over a
 * training run. The host uses it for each configured loss's weight ({@code distill.loss.<id>.schedule*}); losses use
 * it for their own terms (e.g. the {@code hdkd} loss's {@code feature-schedule*}), reading {@link
 * DistillationInput#progress()}. In the api so that host and plugins schedule with one definition. SPI 2.
 *
 * <p>With {@code warmup = W > 0}, the factor ramps linearly from 0 at step 0 to the schedule's value at step
 * {@code W}: {@code min(1, step / W) * value(step)}. After warm-up, with {@code q = (step - W) / (total - W)} clamped
 * to {@code [0, 1]} and {@code f} the final factor:
 * <ul>
 *   <li>{@code constant}: 1;</li>
 *   <li>{@code linear-decay}: {@code 1 - (1 - f) q};</li>
 *   <li>{@code cosine-decay}: {@code f + (1 - f) (1 + cos(pi q)) / 2};</li>
 *   <li>{@code step}: {@code factor^m}, {@code m} the number of milestones (steps) {@code <= step}.</li>
 * </ul>
 * When the run's total is unknown ({@link TrainingProgress#UNKNOWN}, e.g. a benchmark step) the factor is 1.
 */
public final class WeightSchedule {

    /** The shapes a schedule can take. */
    public enum Kind {
        CONSTANT, LINEAR_DECAY, COSINE_DECAY, STEP;

        /** The name in a configuration, e.g. {@code cosine-decay}. */
        public String text() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    /** Option key suffixes, after a prefix such as {@code schedule} or {@code feature-schedule}. */
    public static final String WARMUP = "-warmup";
    public static final String MILESTONES = "-milestones";
    public static final String FACTOR = "-factor";
    public static final String FINAL = "-final";

    /** Always 1. */
    public static final WeightSchedule CONSTANT = new WeightSchedule(Kind.CONSTANT, 0, new long[0], 1, 0);

    private final Kind kind;
    private final long warmup;
    private final long[] milestones;
    private final double factor;
    private final double finalFactor;

    /**
     * @param warmup warm-up steps (0: none)
     * @param milestones for {@code step}: ascending steps at which the factor is multiplied by {@code factor}
     * @param factor for {@code step}: the multiplier at each milestone (>= 0)
     * @param finalFactor for the decays: the factor at the end of the run, in {@code [0, 1]}
     */
    public WeightSchedule(Kind kind, long warmup, long[] milestones, double factor, double finalFactor) {
        if (warmup < 0 || !(factor >= 0) || Double.isInfinite(factor) || !(finalFactor >= 0 && finalFactor <= 1)) {
            throw new IllegalArgumentException("bad schedule: warmup " + warmup + ", factor " + factor + ", final "
                    + finalFactor);
        }
        this.kind = kind;
        this.warmup = warmup;
        this.milestones = milestones.clone();
        Arrays.sort(this.milestones);
        this.factor = factor;
        this.finalFactor = finalFactor;
    }

    public Kind kind() {
        return kind;
    }

    /** True if the factor is 1 at every step (constant without warm-up). */
    public boolean isConstant() {
        return kind == Kind.CONSTANT && warmup == 0;
    }

    /** The factor at {@code progress}. */
    public double factor(TrainingProgress progress) {
        if (progress.totalSteps() == 0) {
            return 1;
        }
        long step = progress.step();
        double ramp = warmup > 0 ? Math.min(1.0, (double) step / warmup) : 1.0;
        long span = Math.max(1, progress.totalSteps() - warmup);
        double q = Math.min(1.0, Math.max(0.0, (double) (step - warmup) / span));
        double value = switch (kind) {
            case CONSTANT -> 1;
            case LINEAR_DECAY -> 1 - (1 - finalFactor) * q;
            case COSINE_DECAY -> finalFactor + (1 - finalFactor) * (1 + Math.cos(Math.PI * q)) / 2;
            case STEP -> {
                int passed = 0;
                for (long m : milestones) {
                    if (m <= step) {
                        passed++;
                    }
                }
                yield Math.pow(factor, passed);
            }
        };
        return ramp * value;
    }

    /**
     * The options of one schedule: {@code <prefix>} (the kind), {@code <prefix>-warmup}, {@code <prefix>-milestones},
     * {@code <prefix>-factor}, {@code <prefix>-final}.
     *
     * @param what what is scheduled, for the descriptions, e.g. "the feature term's weight"
     */
    public static List<OptionSpec> options(String prefix, String what) {
        List<String> kinds = new ArrayList<>();
        for (Kind k : Kind.values()) {
            kinds.add(k.text());
        }
        return List.of(
                OptionSpec.choice(prefix, Kind.CONSTANT.text(), "schedule of " + what + " over the run: constant, "
                        + "linear-decay or cosine-decay (from 1 to " + prefix + FINAL + "), step (times "
                        + prefix + FACTOR + " at each of " + prefix + MILESTONES + ")", kinds.toArray(String[]::new)),
                OptionSpec.longInteger(prefix + WARMUP, 0, "steps over which " + what + " ramps up linearly from 0"),
                OptionSpec.list(prefix + MILESTONES, "", "for step: the steps at which " + what
                        + " is multiplied by " + prefix + FACTOR),
                OptionSpec.number(prefix + FACTOR, 0.1, "for step: the multiplier at each milestone (>= 0)"),
                OptionSpec.number(prefix + FINAL, 0.0, "for the decays: the factor reached at the run's end, in [0, 1]"));
    }

    /** The schedule configured under {@code prefix} in {@code options} (declared by {@link #options}), checked. */
    public static WeightSchedule of(Options options, String prefix) {
        Kind kind = Kind.valueOf(options.getString(prefix).toUpperCase(Locale.ROOT).replace('-', '_'));
        long warmup = options.getLong(prefix + WARMUP);
        if (warmup < 0) {
            throw options.invalid(prefix + WARMUP, "must be >= 0");
        }
        List<String> given = options.getList(prefix + MILESTONES);
        long[] milestones = new long[given.size()];
        for (int i = 0; i < milestones.length; i++) {
            try {
                milestones[i] = Long.parseLong(given.get(i).strip());
            } catch (NumberFormatException e) {
                throw options.invalid(prefix + MILESTONES, "'" + given.get(i) + "' is not a step number");
            }
            if (milestones[i] < 0) {
                throw options.invalid(prefix + MILESTONES, "steps must be >= 0, got " + milestones[i]);
            }
        }
        if (kind == Kind.STEP && milestones.length == 0) {
            throw options.invalid(prefix + MILESTONES, "a step schedule needs at least one milestone");
        }
        double factor = options.getDouble(prefix + FACTOR);
        if (!(factor >= 0) || Double.isInfinite(factor)) {
            throw options.invalid(prefix + FACTOR, "must be a finite number >= 0");
        }
        double fin = options.getDouble(prefix + FINAL);
        if (!(fin >= 0 && fin <= 1)) {
            throw options.invalid(prefix + FINAL, "must be in [0, 1]");
        }
        return new WeightSchedule(kind, warmup, milestones, factor, fin);
    }

    @Override
    public String toString() {
        return kind.text() + (warmup > 0 ? " warmup " + warmup : "")
                + (kind == Kind.STEP ? " milestones " + Arrays.toString(milestones) + " factor " + factor : "")
                + (kind == Kind.LINEAR_DECAY || kind == Kind.COSINE_DECAY ? " final " + finalFactor : "");
    }
}
