package io.hdkd.core.data.image;

import java.awt.geom.AffineTransform;
import java.awt.geom.NoninvertibleTransformException;

/**
 * Resamples an image through an affine map with bilinear interpolation: one pass for any mix of resize, flip, crop,
 * scale, shift and rotation. Coordinates are continuous with pixel {@code (i, j)} covering {@code [i, i+1) x [j, j+1)},
 * the same convention as boxes, so a box and its pixels move together.
 *
 * <p>Output pixels whose centre maps outside the source get the fill colour; inside the source, taps are clamped to
 * the border so a plain resize has no dark rim. No low-pass filter before strong downscaling (factor below ~0.5
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
        AffineTransform inv;
        try {
            inv = forward.createInverse();
        } catch (NoninvertibleTransformException e) {
            throw new IllegalArgumentException("transform is not invertible: " + forward, e);
        }
        int channels = src.channels();
        int sw = src.width();
        int sh = src.height();
        int splane = sw * sh;
        int oplane = outWidth * outHeight;
        float[] in = src.data();
        float[] out = new float[channels * oplane];
        double m00 = inv.getScaleX();
        double m01 = inv.getShearX();
        double m02 = inv.getTranslateX();
        double m10 = inv.getShearY();
        double m11 = inv.getScaleY();
        double m12 = inv.getTranslateY();
        for (int v = 0; v < outHeight; v++) {
            double oy = v + 0.5;
            // source position of this row's first pixel centre, minus 0.5 to index pixel centres
            double rowX = m01 * oy + m02 + m00 * 0.5 - 0.5;
            double rowY = m11 * oy + m12 + m10 * 0.5 - 0.5;
            for (int u = 0; u < outWidth; u++) {
                double sx = rowX + m00 * u;
                double sy = rowY + m10 * u;
                int o = v * outWidth + u;
                if (sx < -0.5 || sy < -0.5 || sx > sw - 0.5 || sy > sh - 0.5) {
                    for (int c = 0; c < channels; c++) {
                        out[c * oplane + o] = fill[c];
                    }
                    continue;
                }
                double cx = Math.min(Math.max(sx, 0), sw - 1);
                double cy = Math.min(Math.max(sy, 0), sh - 1);
                int x0 = (int) cx;
                int y0 = (int) cy;
                int x1 = Math.min(x0 + 1, sw - 1);
                int y1 = Math.min(y0 + 1, sh - 1);
                float tx = (float) (cx - x0);
                float ty = (float) (cy - y0);
                int i00 = y0 * sw + x0;
                int i01 = y0 * sw + x1;
                int i10 = y1 * sw + x0;
                int i11 = y1 * sw + x1;
                for (int c = 0; c < channels; c++) {
                    int base = c * splane;
                    float top = in[base + i00] + (in[base + i01] - in[base + i00]) * tx;
                    float bottom = in[base + i10] + (in[base + i11] - in[base + i10]) * tx;
                    out[c * oplane + o] = top + (bottom - top) * ty;
                }
            }
        }
        return new FloatImage(channels, outHeight, outWidth, out);
    }

    /** The map that scales {@code (0,0)-(w,h)} to {@code (0,0)-(w*sx,h*sy)}. */
    public static AffineTransform scale(double sx, double sy) {
        return AffineTransform.getScaleInstance(sx, sy);
    }
}
