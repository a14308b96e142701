package io.hdkd.plugin.kdlosses;

import io.hdkd.api.ComponentContext;
import io.hdkd.api.DistillationLoss;
import io.hdkd.api.DistillationLossFactory;
import io.hdkd.api.DistillationPair;
import io.hdkd.api.HeadOutput;
import io.hdkd.api.InvalidInputException;
import io.hdkd.api.OptionSpec;
import io.hdkd.api.Options;
import io.hdkd.api.OutputKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code ld}: localization distillation ({@link LocalizationLoss}) between heads of the same type. Each box-regression
 * output the two heads share by name is paired with the teacher's sigmoid class output of the same stride.
 */
public final class LocalizationLossFactory implements DistillationLossFactory {

    static final String SCORE_THRESHOLD = "score-threshold";
    static final String WEIGHTING = "weighting";
    static final String DISTANCE = "distance";
    static final String BETA = "beta";

    @Override
    public String name() {
        return "ld";
    }

    @Override
    public String description() {
        return "localization distillation: L1 (or smooth L1) between student and teacher box deltas at the anchors "
                + "where the teacher's top class probability reaches score-threshold, weighted by that probability; "
                + "needs the same head type and anchors on both sides";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.number(SCORE_THRESHOLD, 0.5,
                        "the teacher's highest class probability at an anchor from which its box is distilled, in "
                                + "[0, 1]"),
                OptionSpec.choice(WEIGHTING, "score",
                        "weight of each selected anchor: score (the teacher's probability) or none (1)",
                        "score", "none"),
                OptionSpec.choice(DISTANCE, "l1", "distance between the deltas: l1 or smooth-l1", "l1", "smooth-l1"),
                OptionSpec.number(BETA, 0.11, "smooth-l1's transition point (> 0)"));
    }

    @Override
    public DistillationLoss create(Options options, ComponentContext context) {
        DistillationPair pair = context.pair();
        if (pair == null) {
            throw new IllegalStateException("loss 'ld' must be created with a DistillationPair context");
        }
        double threshold = options.getDouble(SCORE_THRESHOLD);
        if (!(threshold >= 0 && threshold <= 1)) {
            throw options.invalid(SCORE_THRESHOLD, "must be in [0, 1]");
        }
        double beta = options.getDouble(BETA);
        if (!(beta > 0) || Double.isInfinite(beta)) {
            throw options.invalid(BETA, "must be a finite number > 0");
        }
        String teacherType = pair.teacherHeadType() == null ? "none (features only)" : pair.teacherHeadType();
        if (!pair.sameHeadType()) {
            throw new InvalidInputException("loss 'ld' compares box regression anchor by anchor, which needs the same "
                    + "head type on both sides; teacher is " + teacherType + ", student is " + pair.studentHeadType()
                    + " — use a feature loss (fitnet, pkd, cwd, hdkd)");
        }
        List<LocalizationLoss.Level> levels = new ArrayList<>();
        for (HeadOutput box : pair.teacherOutputs()) {
            if (box.kind() != OutputKind.BOX_REGRESSION) {
                continue;
            }
            boolean student = pair.studentOutputs().stream()
                    .anyMatch(o -> o.name().equals(box.name()) && o.kind() == OutputKind.BOX_REGRESSION);
            HeadOutput classes = pair.teacherOutputs().stream()
                    .filter(o -> o.kind() == OutputKind.CLASS_LOGITS_SIGMOID && o.stride() == box.stride())
                    .findFirst().orElse(null);
            if (student && classes != null && box.stride() > 0) {
                levels.add(new LocalizationLoss.Level(box.name(), classes.name()));
            }
        }
        if (levels.isEmpty()) {
            throw new InvalidInputException("loss 'ld' found no box-regression output that both heads (" + teacherType
                    + ") have with a sigmoid class output of the same stride; teacher outputs "
                    + pair.teacherOutputs().stream().map(HeadOutput::name).toList());
        }
        LocalizationLoss.Distance distance =
                LocalizationLoss.Distance.valueOf(options.getString(DISTANCE).toUpperCase(Locale.ROOT).replace('-', '_'));
        return new LocalizationLoss(levels, threshold, options.getString(WEIGHTING).equals("score"), distance, beta);
    }
}
