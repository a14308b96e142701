package io.hdkd.runtime;

import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;

/**
 * Turns an image into the input of an hdkd export exactly as hdkd's loader does for evaluation and prediction (no
 * augmentation): RGB in {@code [0, 1]}, resized keeping the aspect ratio with the loader's bilinear warp, normalised
 * per channel, zero-padded at the bottom and right to the input size; and maps the model's boxes back.
 *
 * <p>Decoding and resampling are {@link Pixels}, which hdkd's loader uses too; the resize and normalisation follow
 * core's SamplePreparer operation for operation, so that the inputs are the same floats and the detections equal
 * {@code hdkd predict}'s (core's RuntimePreparationParityTest compares them).
 */
public final class ImagePreparer {

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
        return prepare(Pixels.rgb(image), image.getWidth(), image.getHeight());
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
        float[] resized = resize.isIdentity() ? rgb.clone() : Pixels.warp(rgb, 3, width, height, resize, outW, outH,
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
}
