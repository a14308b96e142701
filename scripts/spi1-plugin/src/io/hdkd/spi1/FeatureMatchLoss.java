package io.hdkd.spi1;

import ai.djl.ndarray.NDArray;
import io.hdkd.api.DistillationInput;
import io.hdkd.api.DistillationLoss;
import io.hdkd.api.Scalars;
import java.util.List;
import java.util.Map;

final class FeatureMatchLoss implements DistillationLoss {

    private final String level;
    private final double scale;
    private int targets;

    FeatureMatchLoss(String level, double scale) {
        this.level = level;
        this.scale = scale;
    }

    @Override
    public List<String> taps() {
        return List.of(level);
    }

    @Override
    public boolean requiresSameHeadType() {
        return false;
    }

    @Override
    public NDArray compute(DistillationInput input) {
        targets = input.targets().size();
        NDArray student = input.student().get(level);
        NDArray teacher = input.teacher().get(level).stopGradient();
        return Scalars.mul(student.sub(teacher).square().mean(), scale);
    }

    @Override
    public Map<String, Double> diagnostics() {
        return Map.of("images", (double) targets);
    }
}
