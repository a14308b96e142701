package com.example.fcos;

import io.hdkd.api.ComponentContext;
import io.hdkd.api.DetectorHead;
import io.hdkd.api.HeadFactory;
import io.hdkd.api.InvalidInputException;
import io.hdkd.api.OptionSpec;
import io.hdkd.api.Options;
import java.util.List;

/** Creates the FCOS head; its options live under {@code model.head.} in a configuration. */
public final class FcosHeadFactory implements HeadFactory {

    static final String NAME = "fcos";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "FCOS head (Tian et al. 2019): anchor-free, shared towers over all levels, per-level size ranges, "
                + "centre sampling, focal + GIoU + centerness losses, NMS decoding";
    }

    @Override
    public List<OptionSpec> options() {
        return FcosConfig.SPECS;
    }

    @Override
    public DetectorHead create(Options options, ComponentContext context) {
        if (context.numClasses() < 1) {
            throw new InvalidInputException("the fcos head needs at least one class, got " + context.numClasses());
        }
        if (context.inputLevels().isEmpty()) {
            throw new InvalidInputException("the fcos head needs at least one input feature level");
        }
        return new FcosHead(FcosConfig.from(options, context.inputLevels()), context);
    }
}
