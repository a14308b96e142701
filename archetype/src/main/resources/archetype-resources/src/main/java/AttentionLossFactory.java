package ${package};

import io.hdkd.api.ComponentContext;
import io.hdkd.api.DistillationLoss;
import io.hdkd.api.DistillationLossFactory;
import io.hdkd.api.DistillationPair;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.InvalidInputException;
import io.hdkd.api.OptionSpec;
import io.hdkd.api.Options;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Creates the {@code attention} loss ({@code distill.loss.<id>.type = attention}). hdkd validates the configuration
 * against {@code options()} before this runs; {@code options.invalid(key, problem)} reports a bad combination with
 * the full key.
 */
public final class AttentionLossFactory implements DistillationLossFactory {

    static final String LEVELS = "levels";

    @Override
    public String name() {
        return "attention";
    }

    @Override
    public String description() {
        return "attention transfer: L2 between the student's and the teacher's normalised spatial attention maps"
                + " (mean over channels of the squared features) at levels of equal stride";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(OptionSpec.list(LEVELS, "",
                "feature levels to match, by name; empty: every level both detectors have"));
    }

    @Override
    public DistillationLoss create(Options options, ComponentContext context) {
        DistillationPair pair = context.pair();
        Map<String, FeatureLevel> student = pair.studentLevels().stream()
                .collect(Collectors.toMap(FeatureLevel::name, Function.identity()));
        Map<String, FeatureLevel> teacher = pair.teacherLevels().stream()
                .collect(Collectors.toMap(FeatureLevel::name, Function.identity()));
        List<String> levels = new ArrayList<>(options.getList(LEVELS));
        if (levels.isEmpty()) {
            pair.teacherLevels().stream().map(FeatureLevel::name).filter(student::containsKey).forEach(levels::add);
        }
        if (levels.isEmpty()) {
            throw new InvalidInputException("loss 'attention': the student's and the teacher's levels share no name ("
                    + student.keySet() + " / " + teacher.keySet() + ")");
        }
        for (String level : levels) {
            FeatureLevel s = student.get(level);
            FeatureLevel t = teacher.get(level);
            if (s == null || t == null) {
                throw options.invalid(LEVELS, "level '" + level + "' is not a level of both detectors: "
                        + student.keySet() + " / " + teacher.keySet());
            }
            if (s.stride() != t.stride()) {
                throw options.invalid(LEVELS, "level '" + level + "' has stride " + s.stride() + " in the student"
                        + " and " + t.stride() + " in the teacher");
            }
        }
        return new AttentionLoss(levels);
    }
}
