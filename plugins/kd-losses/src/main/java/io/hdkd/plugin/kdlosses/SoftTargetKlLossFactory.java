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
import java.util.LinkedHashMap;
import io.hdkd.api.OptionProblem;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code kl}: soft targets (Hinton et al. 2015) on class outputs; the binary per-class form for sigmoid heads.
 *
 * <p>Temperature defaults to 1, as detection KD on class scores commonly uses (Chen et al. 2017): for dense sigmoid
 * heads almost every (anchor, class) is background, and T &gt; 1 lifts those near-zero probabilities toward 0.5,
 * letting background dominate. Raise it (2-4) for softer targets; {@code T^2} keeps gradient scale comparable.
 */
public final class SoftTargetKlLossFactory implements DistillationLossFactory {

    static final String TEMPERATURE = "temperature";
    static final String REDUCTION = "level-reduction";

    @Override
    public String name() {
        return "kl";
    }

    @Override
    public String description() {
        return "soft-target KL on class logits, T^2 * KL(teacher || student) with p = softmax or sigmoid(z / T) "
                + "(binary per-class form for sigmoid heads), a mean over anchors (and classes for sigmoid); "
                + "needs the same head type on both sides";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.number(TEMPERATURE, 1.0, "softening temperature T > 0; the loss is scaled by T^2"),
                OptionSpec.choice(REDUCTION, "pooled",
                        "pooled: mean over all anchors of all outputs (levels) together; mean/sum: mean per output,"
                                + " then averaged/summed over outputs",
                        "pooled", "mean", "sum"));
    }

    @Override
    public List<OptionProblem> check(Options options) {
        return options.getDouble(TEMPERATURE) > 0 ? List.of()
                : List.of(options.problem(TEMPERATURE, "the temperature must be > 0"));
    }

    @Override
    public DistillationLoss create(Options options, ComponentContext context) {
        DistillationPair pair = context.pair();
        if (pair == null) {
            throw new IllegalStateException("loss 'kl' must be created with a DistillationPair context");
        }
        double temperature = options.getDouble(TEMPERATURE);
        if (!(temperature > 0)) {
            throw options.invalid(TEMPERATURE, "the temperature must be > 0");
        }
        Map<String, HeadOutput> teacher = classOutputs(pair.teacherOutputs());
        Map<String, HeadOutput> student = classOutputs(pair.studentOutputs());
        if (!pair.sameHeadType() || teacher.isEmpty() || student.isEmpty()) {
            throw new InvalidInputException(refusal(pair, teacher.isEmpty(), student.isEmpty()));
        }
        List<HeadOutput> matched = new ArrayList<>();
        for (HeadOutput t : teacher.values()) {
            HeadOutput s = student.get(t.name());
            if (s == null) {
                continue;
            }
            if (s.kind() != t.kind()) {
                throw new InvalidInputException("loss 'kl': class output " + t.name() + " is " + t.kind()
                        + " in the teacher but " + s.kind() + " in the student");
            }
            matched.add(t);
        }
        if (matched.isEmpty()) {
            throw new InvalidInputException("loss 'kl': teacher and student have no class output name in common; "
                    + "teacher " + teacher.keySet() + ", student " + student.keySet());
        }
        SoftTargetKlLoss.Reduction reduction =
                SoftTargetKlLoss.Reduction.valueOf(options.getString(REDUCTION).toUpperCase(Locale.ROOT));
        return new SoftTargetKlLoss(matched, temperature, reduction);
    }

    private static String refusal(DistillationPair pair, boolean teacherHasNone, boolean studentHasNone) {
        String teacherType = pair.teacherHeadType() == null ? "none (features only)" : pair.teacherHeadType();
        if (pair.sameHeadType()) {
            String side = teacherHasNone ? "the teacher" : "the student";
            return "loss 'kl' compares class outputs, but " + side + " (" + teacherType
                    + ") has no class-logit outputs — use a feature loss (fitnet, pkd, cwd)";
        }
        return "loss 'kl' compares class outputs, which needs the same head type on both sides; teacher is "
                + teacherType + ", student is " + pair.studentHeadType() + " — use a feature loss (fitnet, pkd, cwd)";
    }

    private static Map<String, HeadOutput> classOutputs(List<HeadOutput> outputs) {
        Map<String, HeadOutput> byName = new LinkedHashMap<>();
        for (HeadOutput o : outputs) {
            if (o.kind() == OutputKind.CLASS_LOGITS_SIGMOID || o.kind() == OutputKind.CLASS_LOGITS_SOFTMAX) {
                byName.put(o.name(), o);
            }
        }
        return byName;
    }
}
