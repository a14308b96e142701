package io.hdkd.plugin.kdlosses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import ai.djl.nn.Activation;
import io.hdkd.api.DistillationInput;
import io.hdkd.api.DistillationLoss;
import io.hdkd.api.InvalidInputException;
import io.hdkd.api.Scalars;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code ld}: localization distillation for heads of the same type that regress box deltas per anchor (RetinaNet).
 * At every anchor where the teacher is confident (its highest class probability {@code p >= threshold}), the
 * student's box deltas are pulled toward the teacher's by an L1 or smooth-L1 distance summed over the four deltas,
 * weighted by {@code p} (or 1); the loss is the weighted mean over those anchors, 0 where the teacher is confident
 * nowhere.
 *
 * <p>Why deltas and not decoded boxes: the anchors that decode them belong to the head's plugin and the api gives a
 * loss no access to them; two heads of the same type and anchor configuration share anchors, so equal deltas mean
 * equal boxes, and the delta distance is the box distance measured relative to each anchor's size (the same space the
 * heads' own L1 box loss works in). Both sides' outputs must have the same shape, which catches most anchor mismatches
 * (a different number of anchors per location); the anchors' sizes themselves cannot be compared here.
 */
final class LocalizationLoss implements DistillationLoss {

    /** How the delta difference is measured. */
    enum Distance { L1, SMOOTH_L1 }

    /**
     * One level: the box-regression output (both sides) and the teacher's class output of the same level.
     */
    record Level(String box, String classes) {}

    private final List<Level> levels;
    private final double threshold;
    private final boolean scoreWeighted;
    private final Distance distance;
    private final double beta;
    private volatile Map<String, Double> diagnostics = Map.of();

    LocalizationLoss(List<Level> levels, double threshold, boolean scoreWeighted, Distance distance, double beta) {
        this.levels = List.copyOf(levels);
        this.threshold = threshold;
        this.scoreWeighted = scoreWeighted;
        this.distance = distance;
        this.beta = beta;
    }

    List<Level> levels() {
        return levels;
    }

    @Override
    public List<String> taps() {
        Set<String> names = new LinkedHashSet<>();
        levels.forEach(l -> names.add(l.box()));
        levels.forEach(l -> names.add(l.classes()));
        return new ArrayList<>(names);
    }

    @Override
    public boolean requiresSameHeadType() {
        return true;
    }

    @Override
    public Map<String, Double> diagnostics() {
        return diagnostics;
    }

    @Override
    public NDArray compute(DistillationInput input) {
        NDArray weighted = null;
        NDArray mass = null;
        double confident = 0;
        long anchors = 0;
        for (Level level : levels) {
            NDArray student = input.student().get(level.box());
            NDArray teacher = Teacher.detached(input.teacher().get(level.box()), student);
            NDArray logits = Teacher.detached(input.teacher().get(level.classes()), student);
            if (!student.getShape().equals(teacher.getShape()) || teacher.getShape().dimension() != 3
                    || logits.getShape().get(1) != teacher.getShape().get(1)) {
                throw new InvalidInputException("loss 'ld' output " + level.box() + ": student " + student.getShape()
                        + ", teacher " + teacher.getShape() + " with class output " + logits.getShape()
                        + "; ld compares box deltas anchor by anchor, so both heads need the same anchors");
            }
            NDArray score = Activation.sigmoid(logits).max(new int[] {2});
            NDArray selected = score.gte(threshold).toType(student.getDataType(), false);
            NDArray weight = scoreWeighted ? score.mul(selected) : selected;
            NDArray diff = student.sub(teacher);
            NDArray perAnchor = (distance == Distance.L1 ? diff.abs() : smoothL1(diff)).sum(new int[] {2});
            weighted = accumulate(weighted, perAnchor.mul(weight).sum());
            mass = accumulate(mass, weight.sum());
            confident += selected.sum().toType(DataType.FLOAT64, false).getDouble();
            anchors += score.size();
        }
        Map<String, Double> diag = new LinkedHashMap<>();
        diag.put("confident_fraction", anchors == 0 ? 0 : confident / anchors);
        diagnostics = diag;
        // the weights sum to at least the threshold wherever any anchor is selected; the floor only avoids 0 / 0
        return weighted.div(Scalars.maximum(mass, 1e-12));
    }

    /** Huber-style smooth L1 with transition {@code beta}: {@code 0.5 x^2 / beta} below it, {@code |x| - beta/2} above. */
    private NDArray smoothL1(NDArray x) {
        NDArray abs = x.abs();
        NDArray quadratic = Scalars.div(abs.square(), 2 * beta);
        NDArray linear = abs.sub(Scalars.of(abs, beta / 2));
        NDArray small = abs.lt(beta).toType(x.getDataType(), false);
        NDArray large = abs.gte(beta).toType(x.getDataType(), false);
        return quadratic.mul(small).add(linear.mul(large));
    }

    private static NDArray accumulate(NDArray sum, NDArray term) {
        return sum == null ? term : sum.add(term);
    }
}
