package ${package};

import ai.djl.ndarray.NDArray;
import io.hdkd.api.DistillationInput;
import io.hdkd.api.DistillationLoss;
import java.util.List;

/**
 * Attention transfer (Zagoruyko and Komodakis, 2017) between feature maps of equal stride: per image, the spatial
 * map {@code A = mean_c(F^2)}, flattened and L2-normalised; the loss is the mean over images and levels of
 * {@code ||A_s - A_t||^2}. Channel counts may differ (the maps have one channel), so it needs no adapter.
 *
 * <p>What hdkd expects of a loss: {@code taps()} names what it reads; {@code compute} returns a 0-d scalar,
 * unweighted (the host multiplies it by {@code weight} and the distillation share, and logs it as
 * {@code loss_kd_<id>}); the teacher's taps are constants (detach them); temporaries go to the inputs' manager.
 */
final class AttentionLoss implements DistillationLoss {

    private final List<String> levels;

    AttentionLoss(List<String> levels) {
        this.levels = List.copyOf(levels);
    }

    @Override
    public List<String> taps() {
        return levels;
    }

    @Override
    public boolean requiresSameHeadType() {
        return false;
    }

    @Override
    public NDArray compute(DistillationInput input) {
        NDArray total = null;
        for (String level : levels) {
            NDArray student = input.student().get(level);
            // The teacher is frozen: no gradient may flow into it.
            NDArray teacher = input.teacher().get(level).stopGradient();
            NDArray diff = attention(student).sub(attention(teacher));
            NDArray term = diff.mul(diff).sum(new int[] {1}).mean();
            total = total == null ? term : total.add(term);
        }
        return total.div(levels.size());
    }

    /** {@code N x C x H x W} to {@code N x HW}: mean of squares over channels, each row of unit length. */
    private static NDArray attention(NDArray features) {
        long n = features.getShape().get(0);
        NDArray map = features.mul(features).mean(new int[] {1}).reshape(n, -1);
        NDArray norm = map.mul(map).sum(new int[] {1}, true).sqrt().add(1e-6f);
        return map.div(norm);
    }
}
