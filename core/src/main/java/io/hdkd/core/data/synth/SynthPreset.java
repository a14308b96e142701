package io.hdkd.core.data.synth;

import io.hdkd.api.InvalidInputException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The three object regimes of heterogeneous distillation, as scene recipes. Object sizes are given for a 256 px image
 * and scale with the image size, so a preset means the same scene at every resolution.
 */
public enum SynthPreset {
    /** Many small, crowded objects that occlude each other (faces or pedestrians in a crowd). */
    DENSE(15, 40, 8, 32, 10, 20, 0),
    /** Few large objects that may partly overlap. */
    COARSE(1, 4, 70, 170, 3, 8, 0.7),
    /** Few tiny objects in wide empty space, far apart. */
    SPARSE(1, 3, 6, 16, 2, 6, 3.0);

    private final int minObjects;
    private final int maxObjects;
    private final double minSize256;
    private final double maxSize256;
    private final int minDistractors;
    private final int maxDistractors;
    private final double spacing;

    SynthPreset(int minObjects, int maxObjects, double minSize256, double maxSize256, int minDistractors,
            int maxDistractors, double spacing) {
        this.minObjects = minObjects;
        this.maxObjects = maxObjects;
        this.minSize256 = minSize256;
        this.maxSize256 = maxSize256;
        this.minDistractors = minDistractors;
        this.maxDistractors = maxDistractors;
        this.spacing = spacing;
    }

    public int minObjects() {
        return minObjects;
    }

    public int maxObjects() {
        return maxObjects;
    }

    /** Smallest object extent in pixels for an image of {@code imageSize}. */
    public double minSize(int imageSize) {
        return minSize256 * imageSize / 256.0;
    }

    /** Largest object extent in pixels for an image of {@code imageSize}. */
    public double maxSize(int imageSize) {
        return maxSize256 * imageSize / 256.0;
    }

    public int minDistractors() {
        return minDistractors;
    }

    public int maxDistractors() {
        return maxDistractors;
    }

    /**
     * Minimum distance between two objects' centres in units of their mean extent: 0 lets objects pile up (dense
     * crowds occlude), below 1 allows partial overlap (coarse), well above 1 keeps them far apart (sparse).
     */
    public double spacing() {
        return spacing;
    }

    /** The preset's name as typed on the command line. */
    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a preset name; one line naming the choices otherwise. */
    public static SynthPreset parse(String name) {
        for (SynthPreset p : values()) {
            if (p.id().equals(name.trim().toLowerCase(Locale.ROOT))) {
                return p;
            }
        }
        throw new InvalidInputException("unknown preset '" + name + "'; expected one of "
                + Arrays.stream(values()).map(SynthPreset::id).collect(Collectors.joining(", ")));
    }
}
