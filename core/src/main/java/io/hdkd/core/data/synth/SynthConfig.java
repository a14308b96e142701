package io.hdkd.core.data.synth;

import io.hdkd.api.InvalidInputException;

/**
 * What to generate: the preset, how many square images of what side, the seed, and which fraction goes to the
 * validation split (the last {@code round(images * valFraction)} images).
 */
public record SynthConfig(SynthPreset preset, int images, int size, long seed, double valFraction) {

    public SynthConfig {
        if (images < 1) {
            throw new InvalidInputException("--images must be >= 1, got " + images);
        }
        if (size < 32 || size > 8192) {
            throw new InvalidInputException("--size must be in [32, 8192], got " + size);
        }
        if (!(valFraction >= 0 && valFraction < 1)) {
            throw new InvalidInputException("--val-fraction must be in [0, 1), got " + valFraction);
        }
    }

    public int valImages() {
        return (int) Math.round(images * valFraction);
    }

    public int trainImages() {
        return images - valImages();
    }
}
