package io.hdkd.plugin.kdlosses;

import io.hdkd.api.OptionSpec;
import io.hdkd.api.Options;
import java.util.List;

/** {@code fitnet}: FitNet hints (Romero et al. 2015), MSE between teacher features and adapted student features. */
public final class FitNetLossFactory extends FeatureLossFactory {

    public FitNetLossFactory() {
        super("always", true);
    }

    @Override
    public String name() {
        return "fitnet";
    }

    @Override
    public String description() {
        return "FitNet hint: mean squared error between teacher features and a 1x1 conv (+BN) adapter of the student's,"
                + " per level, averaged over levels; scale is that of the teacher features squared, so weights are"
                + " usually well below 1";
    }

    @Override
    LevelLoss levelLoss(Options options) {
        return FeatureLosses::fitnet;
    }

    @Override
    List<OptionSpec> extraOptions() {
        return FocalImitation.options();
    }

    /** Under {@code mask = gt}: the raw maps, as FGD compares them. */
    @Override
    FeatureLoss.Compared compared() {
        return new FeatureLoss.Compared(x -> x, 1.0);
    }
}
