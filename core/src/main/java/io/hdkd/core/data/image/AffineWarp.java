package io.hdkd.core.data.image;

import io.hdkd.runtime.Pixels;
import java.awt.geom.AffineTransform;

/**
 * Resamples an image through an affine map with bilinear interpolation: one pass for any mix of resize, flip, crop,
 * scale, shift and rotation. Coordinates are continuous with pixel {@code (i, j)} covering {@code [i, i+1) x [j, j+1)},
 * the same convention as boxes, so a box and its pixels move together.
 *
 * <p>Output pixels whose centre maps outside the source get the fill colour; inside the source, taps are clamped to
 * the border so a plain resize has no dark rim. The arithmetic is hdkd-runtime's {@link Pixels#warp}, so that an
 * exported model gets the same floats in other programs. No low-pass filter before strong downscaling (factor below ~0.5
 * aliases); detection inputs are rarely shrunk that much.
 */
public final class AffineWarp {

    private AffineWarp() {}

    /**
     * @param forward maps source coordinates to output coordinates
     * @param fill one value per channel for output pixels that map outside the source
     */
    public static FloatImage warp(FloatImage src, AffineTransform forward, int outWidth, int outHeight, float[] fill) {
        if (fill.length != src.channels()) {
            throw new IllegalArgumentException("fill has " + fill.length + " values for " + src.channels() + " channels");
        }
        int channels = src.channels();
        float[] out = Pixels.warp(src.data(), channels, src.width(), src.height(), forward, outWidth, outHeight, fill);
        return new FloatImage(channels, outHeight, outWidth, out);
    }

    /** The map that scales {@code (0,0)-(w,h)} to {@code (0,0)-(w*sx,h*sy)}. */
    public static AffineTransform scale(double sx, double sy) {
        return AffineTransform.getScaleInstance(sx, sy);
    }
}
