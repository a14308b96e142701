package io.hdkd.plugin.kdlosses;

import io.hdkd.api.Scalars;
import ai.djl.ndarray.NDArray;
import io.hdkd.api.DistillationInput;
import io.hdkd.api.DistillationLoss;
import io.hdkd.api.HeadOutput;
import io.hdkd.api.OutputKind;
import java.util.List;

/**
 * Soft-target (dark knowledge) KL on the class outputs both heads share by name.
 *
 * <p>Sigmoid outputs ({@code N x A x C}) give one binary KL per (anchor, class); softmax outputs give one KL per
 * position (summed over the last, class axis). {@code pooled}: {@code T^2} times the mean of those values over all
 * outputs together (every anchor of every level counts once); {@code mean}/{@code sum}: {@code T^2} times the mean per
 * output, averaged/summed over outputs.
 */
final class SoftTargetKlLoss implements DistillationLoss {

    enum Reduction { POOLED, MEAN, SUM }

    private final List<HeadOutput> outputs;
    private final double temperature;
    private final Reduction reduction;

    SoftTargetKlLoss(List<HeadOutput> outputs, double temperature, Reduction reduction) {
        this.outputs = List.copyOf(outputs);
        this.temperature = temperature;
        this.reduction = reduction;
    }

    /** The class outputs compared, by name. */
    List<HeadOutput> outputs() {
        return outputs;
    }

    @Override
    public List<String> taps() {
        return outputs.stream().map(HeadOutput::name).toList();
    }

    @Override
    public boolean requiresSameHeadType() {
        return true;
    }

    @Override
    public NDArray compute(DistillationInput input) {
        NDArray total = null;
        long count = 0;
        for (HeadOutput output : outputs) {
            NDArray student = input.student().get(output.name());
            NDArray teacher = Teacher.detached(input.teacher().get(output.name()), student);
            if (!student.getShape().equals(teacher.getShape())) {
                throw new IllegalStateException("loss 'kl' output " + output.name() + ": student " + student.getShape()
                        + " vs teacher " + teacher.getShape() + "; same head type but different anchors or classes");
            }
            NDArray map = output.kind() == OutputKind.CLASS_LOGITS_SIGMOID
                    ? ClassLogitKl.binaryMap(student, teacher, temperature)
                    : ClassLogitKl.softmaxMap(student, teacher, temperature);
            NDArray term = reduction == Reduction.POOLED ? map.sum() : map.mean();
            count += map.size();
            total = total == null ? term : total.add(term);
        }
        double scale = temperature * temperature;
        switch (reduction) {
            case POOLED:
                return Scalars.mul(total, scale / count);
            case MEAN:
                return Scalars.mul(total, scale / outputs.size());
            default:
                return Scalars.mul(total, scale);
        }
    }
}
