package io.hdkd.plugin.retinanet;

import io.hdkd.api.ComponentContext;
import io.hdkd.api.DetectorHead;
import io.hdkd.api.HeadFactory;
import io.hdkd.api.OptionSpec;
import io.hdkd.api.Options;
import java.util.List;

/** Creates the RetinaNet head (torchvision's v1: no normalisation in the towers). */
public final class RetinaNetHeadFactory implements HeadFactory {

    static final String NAME = "retinanet";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "RetinaNet head: shared class/box conv towers over all levels, anchors, sigmoid focal loss, NMS decoding";
    }

    @Override
    public List<OptionSpec> options() {
        return RetinaNetConfig.SPECS;
    }

    @Override
    public DetectorHead create(Options options, ComponentContext context) {
        RetinaNetConfig config = RetinaNetConfig.from(options, context.inputLevels());
        return new RetinaNetHead(config, context);
    }
}
