package io.hdkd.core.data.augment;

import io.hdkd.core.data.image.AffineWarp;
import io.hdkd.core.data.image.FloatImage;
import java.awt.geom.AffineTransform;

/**
 * The augmentation of one image, all random choices made: a geometric map (input pixels to output pixels, output the
 * size of the input) and colour factors. The same plan moves the image, any mask drawn on it and its boxes alike.
 */
public final class AugmentPlan {

    private final int width;
    private final int height;
    private final AffineTransform geometry;
    private final float brightness;
    private final float contrast;
    private final float saturation;
    private final double minVisible;
    private final double minSize;

    AugmentPlan(int width, int height, AffineTransform geometry, float brightness, float contrast, float saturation,
            double minVisible, double minSize) {
        this.width = width;
        this.height = height;
        this.geometry = new AffineTransform(geometry);
        this.brightness = brightness;
        this.contrast = contrast;
        this.saturation = saturation;
        this.minVisible = minVisible;
        this.minSize = minSize;
    }

    /** The geometric map from input to output pixel coordinates (a copy). */
    public AffineTransform geometry() {
        return new AffineTransform(geometry);
    }

    public boolean hasGeometry() {
        return !geometry.isIdentity();
    }

    public boolean hasColour() {
        return brightness != 1 || contrast != 1 || saturation != 1;
    }

    /** Geometry then colour; {@code fill} (one value per channel) paints what comes from outside the input. */
    public FloatImage apply(FloatImage image, float[] fill) {
        FloatImage out = hasGeometry() ? AffineWarp.warp(image, geometry, width, height, fill) : image;
        if (hasColour()) {
            out = new FloatImage(out.channels(), out.height(), out.width(),
                    hasGeometry() ? out.data() : out.data().clone());
            applyColour(out);
        }
        return out;
    }

    /** The boxes moved by the geometry, clipped to the image, those too hidden or small dropped. */
    public Boxes apply(Boxes boxes) {
        return BoxTransform.apply(boxes, geometry, width, height, minVisible, minSize);
    }

    /** The boxes moved by the geometry followed by {@code after} (e.g. a resize), clipped to {@code outW x outH}. */
    public Boxes apply(Boxes boxes, AffineTransform after, int outWidth, int outHeight) {
        AffineTransform m = new AffineTransform(after);
        m.concatenate(geometry);
        return BoxTransform.apply(boxes, m, outWidth, outHeight, minVisible, minSize);
    }

    /**
     * Brightness, contrast, saturation in that order, in place, on an RGB image in {@code [0, 1]}; clamps to
     * {@code [0, 1]}.
     */
    public void applyColour(FloatImage rgb) {
        if (!hasColour()) {
            return;
        }
        if (rgb.channels() != 3) {
            throw new IllegalArgumentException("colour jitter needs 3 channels, got " + rgb.channels());
        }
        float[] d = rgb.data();
        int n = rgb.planeSize();
        double greySum = 0;
        for (int i = 0; i < n; i++) {
            greySum += grey(d[i], d[n + i], d[2 * n + i]);
        }
        // contrast blends towards the mean grey of the brightened image
        float meanGrey = (float) (greySum / n) * brightness;
        float b = brightness;
        float c = contrast;
        float s = saturation;
        for (int i = 0; i < n; i++) {
            float r = d[i] * b;
            float g = d[n + i] * b;
            float bl = d[2 * n + i] * b;
            r = meanGrey + c * (r - meanGrey);
            g = meanGrey + c * (g - meanGrey);
            bl = meanGrey + c * (bl - meanGrey);
            float gr = grey(r, g, bl);
            d[i] = clamp(gr + s * (r - gr));
            d[n + i] = clamp(gr + s * (g - gr));
            d[2 * n + i] = clamp(gr + s * (bl - gr));
        }
    }

    private static float grey(float r, float g, float b) {
        return 0.299f * r + 0.587f * g + 0.114f * b;
    }

    private static float clamp(float v) {
        return v < 0 ? 0 : Math.min(1, v);
    }
}
