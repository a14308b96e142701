package io.hdkd.api;

/**
 * One level of a feature pyramid: its name ({@code c3}, {@code p5}, ...), its stride relative to the input
 * image, and its number of channels.
 */
public record FeatureLevel(String name, int stride, int channels) {

    public FeatureLevel {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("feature level needs a name");
        }
        if (stride < 1 || channels < 1) {
            throw new IllegalArgumentException("feature level " + name + ": stride and channels must be >= 1");
        }
    }
}
