package io.hdkd.core.pipeline;

import io.hdkd.api.InvalidInputException;
import io.hdkd.api.OptionSpec;
import io.hdkd.api.OptionType;
import io.hdkd.api.Options;
import io.hdkd.core.config.ConfigSection;
import java.util.List;
import java.util.Locale;

/**
 * {@code distill.*}: how distillation weighs the student's own task loss against the distillation losses. The losses
 * themselves are components ({@code distill.losses}, {@code distill.loss.<id>.*}), the teacher is {@code teacher.*}.
 */
public final class DistillSection {

    public static final String RATIO = "ratio";
    public static final String PARTITION_LEVELS = "partition-levels";
    public static final String PARTITION_EVERY = "partition-every";
    public static final String ASSISTANT_WEIGHT = "assistant-weight";

    public static final ConfigSection SECTION = new ConfigSection("distill", List.of(
            OptionSpec.string(RATIO, "1:1", "a:b, the total loss = a * task loss + b * sum of the weighted "
                    + "distillation losses (a >= 0, b > 0)."),
            OptionSpec.list(PARTITION_LEVELS, "", "With distill.partitioner: the teacher taps whose locations it "
                    + "splits, in order (default: the teacher levels the losses read, in the teacher's order)."),
            OptionSpec.integer(PARTITION_EVERY, 1, "With distill.partitioner: re-cluster every this many steps and "
                    + "reuse the partition in between (for batches of the same shape).").atLeast(1),
            new OptionSpec(ASSISTANT_WEIGHT, OptionType.DOUBLE, null, "With distill.assistant: the weight of the "
                    + "assistant head's own task loss (on the ground truth), counted with the task loss (times a of "
                    + "the ratio); default 1, or 0 with distill.assistant.source = teacher (CrossKD trains that path "
                    + "on the teacher only).", false, List.of()).atLeast(0)));

    /** The ratio {@code a:b} of task loss to distillation losses. */
    public record Ratio(double task, double distill) {

        /**
         * Parses {@code a:b}.
         *
         * @param key the configuration key or option the text comes from, for the error message
         */
        public static Ratio parse(String key, String text) {
            String[] parts = text.strip().split(":");
            double a = Double.NaN;
            double b = Double.NaN;
            if (parts.length == 2) {
                try {
                    a = Double.parseDouble(parts[0].strip());
                    b = Double.parseDouble(parts[1].strip());
                } catch (NumberFormatException e) {
                    a = Double.NaN;
                }
            }
            if (!Double.isFinite(a) || !Double.isFinite(b) || a < 0 || b <= 0) {
                throw new InvalidInputException("bad value for " + key + ": expected a:b with a >= 0 and b > 0 (task "
                        + "loss : distillation losses, e.g. 1:1 or 1:2), got '" + text.strip() + "'");
            }
            return new Ratio(a, b);
        }

        /** {@code a:b} as written in a configuration, e.g. {@code 1:2} or {@code 0.5:1}. */
        public String text() {
            return number(task) + ":" + number(distill);
        }

        /** A name for a folder, e.g. {@code ratio-1_2}. */
        public String folderName() {
            return "ratio-" + number(task).replace('.', 'p') + "_" + number(distill).replace('.', 'p');
        }

        private static String number(double v) {
            return v == Math.rint(v) ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
        }
    }

    private DistillSection() {}

    /** {@code partition-every}, checked. */
    public static int partitionEvery(Options o) {
        int every = o.getInt(PARTITION_EVERY);
        if (every < 1) {
            throw o.invalid(PARTITION_EVERY, "must be at least 1");
        }
        return every;
    }

    /**
     * {@code assistant-weight} as given, else its default for the assistant's source: 1 for a fresh head, 0 for a
     * frozen copy of the teacher's.
     */
    public static double assistantWeight(Options o, boolean fromTeacher) {
        return o.has(ASSISTANT_WEIGHT) ? o.getDouble(ASSISTANT_WEIGHT) : fromTeacher ? 0 : 1;
    }

    public static Ratio ratio(Options o) {
        return Ratio.parse(o.prefix() + RATIO, o.getString(RATIO));
    }
}
