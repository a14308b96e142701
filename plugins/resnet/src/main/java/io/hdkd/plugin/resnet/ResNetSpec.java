package io.hdkd.plugin.resnet;

import java.util.List;

/**
 * One torchvision ResNet variant: residual unit kind, units per stage, and the ResNeXt grouping.
 *
 * @param name the factory name, e.g. {@code resnet50}
 * @param bottleneck true for Bottleneck units (expansion 4), false for BasicBlock (expansion 1)
 * @param units residual units in layer1..layer4
 * @param groups groups of the 3x3 convolution in a bottleneck (32 for ResNeXt, else 1)
 * @param widthPerGroup torchvision's {@code width_per_group} (64 for ResNet, 4 for ResNeXt 32x4d)
 */
record ResNetSpec(String name, boolean bottleneck, List<Integer> units, int groups, int widthPerGroup) {

    static final List<ResNetSpec> ALL = List.of(
            new ResNetSpec("resnet18", false, List.of(2, 2, 2, 2), 1, 64),
            new ResNetSpec("resnet34", false, List.of(3, 4, 6, 3), 1, 64),
            new ResNetSpec("resnet50", true, List.of(3, 4, 6, 3), 1, 64),
            new ResNetSpec("resnet101", true, List.of(3, 4, 23, 3), 1, 64),
            new ResNetSpec("resnext50_32x4d", true, List.of(3, 4, 6, 3), 32, 4));

    ResNetSpec {
        units = List.copyOf(units);
    }

    int expansion() {
        return bottleneck ? 4 : 1;
    }

    String description() {
        String kind = groups > 1
                ? "ResNeXt-" + depth() + " " + groups + "x" + widthPerGroup + "d"
                : "ResNet-" + depth();
        return kind + " laid out as torchvision's (v1.5, stride on the 3x3), outputs c2..c5 at strides 4..32";
    }

    private int depth() {
        int perUnit = bottleneck ? 3 : 2;
        return units.stream().mapToInt(Integer::intValue).sum() * perUnit + 2;
    }
}
