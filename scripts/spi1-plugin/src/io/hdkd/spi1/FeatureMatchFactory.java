package io.hdkd.spi1;

import io.hdkd.api.ComponentContext;
import io.hdkd.api.DistillationLoss;
import io.hdkd.api.DistillationLossFactory;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.OptionSpec;
import io.hdkd.api.OptionType;
import io.hdkd.api.Options;
import java.util.List;

/**
 * {@code spi1-match}: mean squared difference of one feature level that both detectors have. It calls the SPI-1
 * forms of what SPI 2 changed: the six-component {@code OptionSpec} constructor and the four-component
 * {@code DistillationInput} accessors.
 */
public final class FeatureMatchFactory implements DistillationLossFactory {

    @Override
    public String name() {
        return "spi1-match";
    }

    @Override
    public String description() {
        return "Mean squared difference of one feature level (a plugin compiled against SPI 1).";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(OptionSpec.string("level", "p3", "The feature level both detectors have."),
                new OptionSpec("scale", OptionType.DOUBLE, "1.0", "Multiplies the loss.", false, List.of()));
    }

    @Override
    public DistillationLoss create(Options options, ComponentContext context) {
        String level = options.getString("level");
        if (context.pair() != null) {
            List<String> student = context.pair().studentLevels().stream().map(FeatureLevel::name).toList();
            List<String> teacher = context.pair().teacherLevels().stream().map(FeatureLevel::name).toList();
            if (!student.contains(level) || !teacher.contains(level)) {
                throw options.invalid("level", "both detectors need it; student has " + student + ", teacher has "
                        + teacher);
            }
        }
        return new FeatureMatchLoss(level, options.getDouble("scale"));
    }
}
