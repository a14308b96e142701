package io.hdkd.plugin.kdlosses;

import io.hdkd.api.OptionSpec;
import io.hdkd.api.Options;
import io.hdkd.api.OptionProblem;
import java.util.List;

/** {@code cwd}: channel-wise distillation (Shu et al. 2021). */
public final class CwdLossFactory extends FeatureLossFactory {

    static final String TAU = "tau";

    public CwdLossFactory() {
        super("auto", false);
    }

    @Override
    public String name() {
        return "cwd";
    }

    @Override
    public String description() {
        return "CWD: per channel, softmax over the H*W positions at temperature tau, tau^2 / (N*C) * sum KL(p_t || p_s),"
                + " per level, averaged over levels; suggested weight 5-10 with tau 1";
    }

    @Override
    public List<OptionProblem> check(Options options) {
        return options.getDouble(TAU) > 0 ? List.of()
                : List.of(options.problem(TAU, "the temperature must be > 0"));
    }

    @Override
    List<OptionSpec> extraOptions() {
        return List.of(OptionSpec.number(TAU, 1.0, "temperature of the spatial softmax, > 0"));
    }

    @Override
    LevelLoss levelLoss(Options options) {
        double tau = options.getDouble(TAU);
        if (!(tau > 0)) {
            throw options.invalid(TAU, "the temperature must be > 0");
        }
        return (student, teacher) -> FeatureLosses.cwd(student, teacher, tau);
    }
}
