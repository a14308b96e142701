package io.hdkd.plugin.kdlosses;

import io.hdkd.api.OptionSpec;
import io.hdkd.api.Options;
import java.util.List;

/** {@code pkd}: PKD (Cao et al. 2022), the feature losses' Pearson-correlation form. */
public final class PkdLossFactory extends FeatureLossFactory {

    public PkdLossFactory() {
        super("auto", false);
    }

    @Override
    public String name() {
        return "pkd";
    }

    @Override
    public String description() {
        return "PKD: per channel standardise both maps over (N, H, W), then MSE / 2 = 1 - Pearson r, per level, averaged"
                + " over levels; in [0, 2], works across head types; suggested weight 6-10";
    }

    @Override
    LevelLoss levelLoss(Options options) {
        return FeatureLosses::pkd;
    }

    @Override
    List<OptionSpec> extraOptions() {
        return FocalImitation.options();
    }

    /** Under {@code mask = gt}: both maps standardised per channel over (N, H, W), the error halved as pkd's is. */
    @Override
    FeatureLoss.Compared compared() {
        return new FeatureLoss.Compared(x -> FeatureMaps.standardiseEach(x, FeatureLosses.PKD_EPS), 0.5);
    }
}
