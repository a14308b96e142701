package io.hdkd.core.data.image;

/**
 * An image as planar floats, channel-major ({@code C x H x W}, the layout networks take), values usually in
 * {@code [0, 1]}. Plain arrays so that augmentation and resizing run as tight loops without per-pixel virtual calls.
 */
public record FloatImage(int channels, int height, int width, float[] data) {

    public FloatImage {
        if (channels < 1 || height < 1 || width < 1) {
            throw new IllegalArgumentException("bad image shape " + channels + "x" + height + "x" + width);
        }
        if (data.length != channels * height * width) {
            throw new IllegalArgumentException("data length " + data.length + " != " + channels + "x" + height + "x"
                    + width);
        }
    }

    /** A zero image of the given shape. */
    public static FloatImage zeros(int channels, int height, int width) {
        return new FloatImage(channels, height, width, new float[channels * height * width]);
    }

    /** The value at ({@code c}, {@code y}, {@code x}); for tests and tools, not for loops over all pixels. */
    public float get(int c, int y, int x) {
        return data[(c * height + y) * width + x];
    }

    public void set(int c, int y, int x, float v) {
        data[(c * height + y) * width + x] = v;
    }

    public int planeSize() {
        return height * width;
    }
}
