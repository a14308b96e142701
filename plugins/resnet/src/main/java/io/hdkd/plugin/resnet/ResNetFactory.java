package io.hdkd.plugin.resnet;

import io.hdkd.api.Backbone;
import io.hdkd.api.BackboneFactory;
import io.hdkd.api.ComponentContext;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.OptionSpec;
import io.hdkd.api.Options;
import java.util.ArrayList;
import io.hdkd.api.OptionProblem;
import java.util.List;

/** Creates one torchvision-layout ResNet variant. */
final class ResNetFactory implements BackboneFactory {

    static final String FROZEN_STAGES = "frozen-stages";
    static final String NORM_EVAL = "norm-eval";
    static final String WIDTH = "width";
    static final String OUT_LEVELS = "out-levels";

    private static final List<String> LEVEL_NAMES = List.of("c2", "c3", "c4", "c5");

    private final ResNetSpec spec;

    ResNetFactory(ResNetSpec spec) {
        this.spec = spec;
    }

    @Override
    public String name() {
        return spec.name();
    }

    @Override
    public String description() {
        return spec.description();
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.integer(FROZEN_STAGES, 0, "stages to freeze: 0 none, 1 stem and layer1, ... 4 everything;"
                        + " frozen stages get no gradient and keep their BatchNorm statistics fixed").range(0, 4),
                OptionSpec.bool(NORM_EVAL, false, "run every BatchNorm in inference mode (statistics never update;"
                        + " affine parameters still train unless frozen)"),
                OptionSpec.number(WIDTH, 1.0, "channel multiplier for the stem and the stage widths 64,128,256,512"
                        + " (e.g. 0.25 for a narrow network of the same layout)").atMost(16),
                OptionSpec.list(OUT_LEVELS, "c2,c3,c4,c5", "levels to output, in order, from c2 (stride 4),"
                        + " c3 (8), c4 (16), c5 (32)"));
    }

    /** width must be > 0 (a range's bound is inclusive, so this one is a declared check). */
    @Override
    public List<OptionProblem> check(Options options) {
        return options.getDouble(WIDTH) > 0 ? List.of()
                : List.of(options.problem(WIDTH, "must be > 0 (a channel multiplier, e.g. 0.25)"));
    }

    @Override
    public Backbone create(Options options, ComponentContext context) {
        int frozen = options.getInt(FROZEN_STAGES);
        if (frozen < 0 || frozen > 4) {
            throw options.invalid(FROZEN_STAGES, "expected 0 to 4");
        }
        double width = options.getDouble(WIDTH);
        if (width <= 0 || width > 16) {
            throw options.invalid(WIDTH, "expected a number in (0, 16]");
        }
        ResNetWidths widths;
        try {
            widths = ResNetWidths.of(spec, width);
        } catch (IllegalArgumentException e) {
            throw options.invalid(WIDTH, e.getMessage());
        }
        List<String> requested = options.getList(OUT_LEVELS);
        if (requested.isEmpty()) {
            throw options.invalid(OUT_LEVELS, "expected at least one of " + LEVEL_NAMES);
        }
        List<Integer> stages = new ArrayList<>();
        List<FeatureLevel> levels = new ArrayList<>();
        for (String name : requested) {
            int index = LEVEL_NAMES.indexOf(name);
            if (index < 0) {
                throw options.invalid(OUT_LEVELS, "unknown level '" + name + "', expected some of " + LEVEL_NAMES);
            }
            int stage = index + 1;
            if (!stages.isEmpty() && stage <= stages.get(stages.size() - 1)) {
                throw options.invalid(OUT_LEVELS, "levels must be distinct and in increasing order");
            }
            stages.add(stage);
            levels.add(new FeatureLevel(name, 4 << index, widths.planes(index) * spec.expansion()));
        }
        boolean normEval = options.getBoolean(NORM_EVAL);
        return new ResNetBackbone(new ResNetBlock(spec, widths, frozen, normEval, stages), levels);
    }
}
