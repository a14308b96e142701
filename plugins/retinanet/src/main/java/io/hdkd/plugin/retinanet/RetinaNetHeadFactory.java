package io.hdkd.plugin.retinanet;

import io.hdkd.api.ComponentContext;
import io.hdkd.api.DetectorHead;
import io.hdkd.api.HeadFactory;
import io.hdkd.api.OptionSpec;
import io.hdkd.api.Options;
import io.hdkd.api.OptionProblem;
import java.util.ArrayList;
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

    /** The rules no single range expresses; the rest of RetinaNetConfig's checks are ranges on the options. */
    @Override
    public List<OptionProblem> check(Options options) {
        List<OptionProblem> problems = new ArrayList<>();
        double prior = options.getDouble("prior-prob");
        if (!(prior > 0 && prior < 1)) {
            problems.add(options.problem("prior-prob", "must be strictly between 0 and 1"));
        }
        if (!(options.getDouble("fg-iou") > 0)) {
            problems.add(options.problem("fg-iou", "must be in (0, 1]"));
        }
        if (options.getDouble("bg-iou") > options.getDouble("fg-iou")) {
            problems.add(options.problem("bg-iou", "must be <= " + options.prefix() + "fg-iou ("
                    + options.getDouble("fg-iou") + ")"));
        }
        return problems;
    }

    @Override
    public DetectorHead create(Options options, ComponentContext context) {
        RetinaNetConfig config = RetinaNetConfig.from(options, context.inputLevels());
        return new RetinaNetHead(config, context);
    }
}
