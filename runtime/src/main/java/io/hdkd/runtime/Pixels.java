package io.hdkd.runtime;

import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.geom.NoninvertibleTransformException;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;

/**
 * The pixel arithmetic that hdkd's loader (training, evaluation, prediction) and {@link ImagePreparer} share, so that
 * an exported model sees in another program the floats it saw in hdkd: decoding to RGB floats and the bilinear
 * affine warp.
 */
public final class Pixels {

    private static final float INV_255 = 1f / 255f;

    private Pixels() {}

    /**
     * Bilinear resampling of channel-major pixels ({@code channels x sh x sw}) through an affine map, pixel
     * {@code (i, j)} covering {@code [i, i+1) x [j, j+1)} (the convention of boxes, so a box and its pixels move
     * together), taps clamped to the border so a plain resize has no dark rim, {@code fill} (one value per channel)
     * where a pixel centre maps outside the source.
     *
     * @param forward maps source coordinates to output coordinates
     */
    public static float[] warp(float[] in, int channels, int sw, int sh, AffineTransform forward, int outWidth,
            int outHeight, float[] fill) {
        AffineTransform inv;
        try {
            inv = forward.createInverse();
        } catch (NoninvertibleTransformException e) {
            throw new IllegalArgumentException("transform is not invertible: " + forward, e);
        }
        int splane = sw * sh;
        int oplane = outWidth * outHeight;
        float[] out = new float[channels * oplane];
        double m00 = inv.getScaleX();
        double m01 = inv.getShearX();
        double m02 = inv.getTranslateX();
        double m10 = inv.getShearY();
        double m11 = inv.getScaleY();
        double m12 = inv.getTranslateY();
        for (int v = 0; v < outHeight; v++) {
            double oy = v + 0.5;
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
        return out;
    }

    /**
     * RGB floats in {@code [0, 1]}, channel-major: the common layouts from their backing arrays, anything else (grey,
     * palette, 16 bit) drawn into an int RGB image first.
     */
    public static float[] rgb(BufferedImage img) {
        int w = img.getWidth();
        int h = img.getHeight();
        int n = w * h;
        float[] out = new float[3 * n];
        switch (img.getType()) {
            case BufferedImage.TYPE_3BYTE_BGR -> {
                byte[] px = ((DataBufferByte) img.getRaster().getDataBuffer()).getData();
                if (px.length == 3 * n) {
                    for (int i = 0; i < n; i++) {
                        out[i] = (px[3 * i + 2] & 0xff) * INV_255;
                        out[n + i] = (px[3 * i + 1] & 0xff) * INV_255;
                        out[2 * n + i] = (px[3 * i] & 0xff) * INV_255;
                    }
                    return out;
                }
                return fromInts(toIntRgb(img), n, out);
            }
            case BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_INT_ARGB -> {
                int[] px = ((DataBufferInt) img.getRaster().getDataBuffer()).getData();
                return fromInts(px.length == n ? px : toIntRgb(img), n, out);
            }
            default -> {
                return fromInts(toIntRgb(img), n, out);
            }
        }
    }

    /** RGB floats from interleaved 8-bit RGB ({@code height x width x 3}), e.g. a DJL image's NDArray. */
    public static float[] rgb(byte[] hwc, int width, int height) {
        int n = width * height;
        if (hwc.length != 3 * n) {
            throw new IllegalArgumentException("expected " + height + " x " + width + " x 3 bytes, got " + hwc.length);
        }
        float[] out = new float[3 * n];
        for (int i = 0; i < n; i++) {
            out[i] = (hwc[3 * i] & 0xff) * INV_255;
            out[n + i] = (hwc[3 * i + 1] & 0xff) * INV_255;
            out[2 * n + i] = (hwc[3 * i + 2] & 0xff) * INV_255;
        }
        return out;
    }

    private static int[] toIntRgb(BufferedImage img) {
        BufferedImage rgb = new BufferedImage(img.getWidth(), img.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        try {
            g.drawImage(img, 0, 0, null);
        } finally {
            g.dispose();
        }
        return ((DataBufferInt) rgb.getRaster().getDataBuffer()).getData();
    }

    private static float[] fromInts(int[] px, int n, float[] out) {
        for (int i = 0; i < n; i++) {
            int p = px[i];
            out[i] = ((p >> 16) & 0xff) * INV_255;
            out[n + i] = ((p >> 8) & 0xff) * INV_255;
            out[2 * n + i] = (p & 0xff) * INV_255;
        }
        return out;
    }
}
