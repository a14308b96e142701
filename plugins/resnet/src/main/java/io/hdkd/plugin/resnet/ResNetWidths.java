package io.hdkd.plugin.resnet;

/**
 * The channel widths of a ResNet scaled by a width multiplier, computed as a torchvision ResNet built with scaled
 * {@code inplanes} and {@code planes} would compute them: stem {@code round(64 w)}, stage planes
 * {@code round(64 w), round(128 w), round(256 w), round(512 w)}, bottleneck width
 * {@code floor(planes * widthPerGroup / 64) * groups} (a multiple of the groups by construction).
 */
record ResNetWidths(int stem, int[] planes, int[] groupedWidths) {

    private static final int[] BASE = {64, 128, 256, 512};

    static ResNetWidths of(ResNetSpec spec, double width) {
        int stem = scaled(64, width);
        int[] planes = new int[4];
        int[] grouped = new int[4];
        for (int s = 0; s < 4; s++) {
            planes[s] = scaled(BASE[s], width);
            grouped[s] = (planes[s] * spec.widthPerGroup() / 64) * spec.groups();
            if (spec.bottleneck() && grouped[s] < 1) {
                throw new IllegalArgumentException("width " + width + " leaves stage " + (s + 1) + " of " + spec.name()
                        + " with less than one channel per group (planes " + planes[s] + ")");
            }
        }
        return new ResNetWidths(stem, planes, grouped);
    }

    private static int scaled(int base, double width) {
        return Math.max(1, (int) Math.round(base * width));
    }

    int planes(int stage) {
        return planes[stage];
    }

    int groupedWidth(int stage) {
        return groupedWidths[stage];
    }
}
