package io.hdkd.plugin.fpn;

import io.hdkd.api.ComponentContext;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.InvalidInputException;
import io.hdkd.api.Neck;
import io.hdkd.api.NeckFactory;
import io.hdkd.api.OptionSpec;
import io.hdkd.api.Options;
import java.util.ArrayList;
import java.util.List;

/**
 * Creates the RetinaNet feature pyramid. Pyramid levels p2..p5 are built from the backbone levels of the same number
 * (c2..c5, found by name among the input levels), contiguously from the lowest requested one up to p5; p6 and p7
 * are the extra stride-2 levels.
 */
final class FpnFactory implements NeckFactory {

    static final String CHANNELS = "channels";
    static final String LEVELS = "levels";
    static final String EXTRA_FROM = "extra-from";

    @Override
    public String name() {
        return "fpn";
    }

    @Override
    public String description() {
        return "feature pyramid network with RetinaNet's P6/P7 (torchvision's FeaturePyramidNetwork + LastLevelP6P7)";
    }

    @Override
    public List<OptionSpec> options() {
        return List.of(
                OptionSpec.integer(CHANNELS, 256, "channels of every pyramid level").atLeast(1),
                OptionSpec.list(LEVELS, "p3,p4,p5,p6,p7", "levels to output, in increasing order, out of p2..p7;"
                        + " p2..p5 need c2..c5 from the backbone"),
                OptionSpec.choice(EXTRA_FROM, "p5", "what P6 is computed from: p5 (torchvision's"
                        + " retinanet_resnet50_fpn) or c5 (the RetinaNet paper, Detectron, retinanet_resnet50_fpn_v2)",
                        "p5", "c5"));
    }

    @Override
    public Neck create(Options options, ComponentContext context) {
        int channels = options.getInt(CHANNELS);
        if (channels < 1) {
            throw options.invalid(CHANNELS, "expected a positive integer");
        }
        List<Integer> requested = new ArrayList<>();
        for (String name : options.getList(LEVELS)) {
            int k = name.matches("p[2-7]") ? name.charAt(1) - '0' : -1;
            if (k < 0) {
                throw options.invalid(LEVELS, "unknown level '" + name + "', expected some of p2..p7");
            }
            if (!requested.isEmpty() && k <= requested.get(requested.size() - 1)) {
                throw options.invalid(LEVELS, "levels must be distinct and in increasing order");
            }
            requested.add(k);
        }
        if (requested.isEmpty()) {
            throw options.invalid(LEVELS, "expected at least one level");
        }
        int lowest = Math.min(requested.get(0), 5);
        int top = requested.get(requested.size() - 1);
        List<FeatureLevel> inputs = context.inputLevels();
        int[] inputIndices = new int[5 - lowest + 1];
        List<FeatureLevel> pyramid = new ArrayList<>();
        for (int k = lowest; k <= 5; k++) {
            int index = indexOf(inputs, "c" + k);
            if (index < 0) {
                throw new InvalidInputException("neck fpn needs backbone level c" + k + " for p" + k
                        + " but the backbone outputs " + inputs.stream().map(FeatureLevel::name).toList()
                        + " (set " + options.prefix() + LEVELS + " or the backbone's out-levels)");
            }
            inputIndices[k - lowest] = index;
            pyramid.add(new FeatureLevel("p" + k, inputs.get(index).stride(), channels));
        }
        int c5Stride = pyramid.get(pyramid.size() - 1).stride();
        pyramid.add(new FeatureLevel("p6", c5Stride * 2, channels));
        pyramid.add(new FeatureLevel("p7", c5Stride * 4, channels));
        List<Integer> outputIndices = new ArrayList<>();
        List<FeatureLevel> levels = new ArrayList<>();
        for (int k : requested) {
            outputIndices.add(k - lowest);
            levels.add(pyramid.get(k - lowest));
        }
        boolean fromC5 = options.getString(EXTRA_FROM).equals("c5");
        FpnBlock block = new FpnBlock(inputIndices, channels, top >= 6, top >= 7, fromC5, outputIndices);
        return new FpnNeck(block, levels);
    }

    private static int indexOf(List<FeatureLevel> levels, String name) {
        for (int i = 0; i < levels.size(); i++) {
            if (levels.get(i).name().equals(name)) {
                return i;
            }
        }
        return -1;
    }
}
