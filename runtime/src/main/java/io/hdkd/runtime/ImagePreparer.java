package io.hdkd.runtime;

import java.awt.Graphics2D;
import java.awt.geom.AffineTransform;
import java.awt.geom.NoninvertibleTransformException;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;

/**
 * Turns an image into the input of an hdkd export exactly as hdkd's loader does for evaluation and prediction (no
 * augmentation): RGB in {@code [0, 1]}, resized keeping the aspect ratio with the loader's bilinear warp, normalised
 * per channel, zero-padded at the bottom and right to the input size; and maps the model's boxes back.
 *
 * <p>The arithmetic follows core's ImageDecoder, SamplePreparer and AffineWarp operation for operation, so that the
 * inputs are the same floats and the detections equal {@code hdkd predict}'s (core's tests compare them).
 */
public final class ImagePreparer {

    private static final float INV_255 = 1f / 255f;

    private final HdkdModelInfo info;

    public ImagePreparer(HdkdModelInfo info) {
        this.info = info;
    }

    /**
     * A prepared image: the network input ({@code 3 x size x size}, channel-major) and how it was made.
     *
     * @param scaleX resized width / original width (the exact ratio of the rounded size)
     * @param scaleY resized height / original height
     */
    public record Prepared(float[] input, int size, int width, int height, int resizedWidth, int resizedHeight,
            float scaleX, float scaleY) {

        /** A box {@code x1, y1, x2, y2} in network-input pixels, in original image pixels: unscaled, clipped. */
        public float[] toImage(float x1, float y1, float x2, float y2) {
            return new float[] {clip(x1 / scaleX, width), clip(y1 / scaleY, height), clip(x2 / scaleX, width),
                clip(y2 / scaleY, height)};
        }

        private static float clip(float v, float max) {
            return Math.min(Math.max(v, 0f), max);
        }
    }

    /** Prepares a decoded image. */
    public Prepared prepare(BufferedImage image) {
        return prepare(rgb(image), image.getWidth(), image.getHeight());
    }

    /**
     * Prepares RGB pixels in {@code [0, 1]}, channel-major ({@code 3 x height x width}).
     *
     * @throws IllegalArgumentException if the resized image does not fit the model's input (a model exported with
     *     a smaller {@code --size} than its loader's resize)
     */
    public Prepared prepare(float[] rgb, int width, int height) {
        if (width < 1 || height < 1 || rgb.length != 3 * width * height) {
            throw new IllegalArgumentException("expected 3 x " + height + " x " + width + " pixels, got " + rgb.length);
        }
        double scale = info.resize().scaleFor(width, height);
        int outW = Math.max(1, (int) Math.round(width * scale));
        int outH = Math.max(1, (int) Math.round(height * scale));
        // the exact ratios of the rounded size, as the loader uses them for pixels and boxes alike
        float sx = (float) outW / width;
        float sy = (float) outH / height;
        int s = info.inputSize();
        if (outW > s || outH > s) {
            throw new IllegalArgumentException(info.source() + " takes " + s + "x" + s + " inputs, but its loader "
                    + "resizes a " + width + "x" + height + " image to " + outW + "x" + outH + "; export with a larger "
                    + "--size");
        }
        AffineTransform resize = AffineTransform.getScaleInstance(sx, sy);
        float[] resized = resize.isIdentity() ? rgb.clone() : warp(rgb, width, height, resize, outW, outH,
                info.mean());
        float[] mean = info.mean();
        float[] std = info.std();
        float[] input = new float[3 * s * s];
        int plane = outW * outH;
        for (int c = 0; c < 3; c++) {
            float m = mean[c];
            float inv = 1f / std[c];
            for (int y = 0; y < outH; y++) {
                int from = c * plane + y * outW;
                int to = (c * s + y) * s;
                for (int x = 0; x < outW; x++) {
                    input[to + x] = (resized[from + x] - m) * inv;
                }
            }
        }
        return new Prepared(input, s, width, height, outW, outH, sx, sy);
    }

    /**
     * Bilinear resampling through an affine map, pixel {@code (i, j)} covering {@code [i, i+1) x [j, j+1)}, taps
     * clamped to the border, {@code fill} where a pixel centre maps outside (core's AffineWarp, same operations).
     */
    static float[] warp(float[] in, int sw, int sh, AffineTransform forward, int outWidth, int outHeight,
            float[] fill) {
        AffineTransform inv;
        try {
            inv = forward.createInverse();
        } catch (NoninvertibleTransformException e) {
            throw new IllegalArgumentException("transform is not invertible: " + forward, e);
        }
        int splane = sw * sh;
        int oplane = outWidth * outHeight;
        float[] out = new float[3 * oplane];
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
                    for (int c = 0; c < 3; c++) {
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
                for (int c = 0; c < 3; c++) {
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
     * RGB floats in {@code [0, 1]}, channel-major, as core's ImageDecoder reads them: the common layouts from their
     * backing arrays, anything else (grey, palette, 16 bit) drawn into an int RGB image first.
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
