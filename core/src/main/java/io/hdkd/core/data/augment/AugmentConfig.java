package io.hdkd.core.data.augment;

import io.hdkd.api.OptionSpec;
import io.hdkd.api.Options;
import java.util.List;

/**
 * Training-time augmentation settings, the configuration section {@code data.augment.*}. Geometric transforms apply in
 * this order: horizontal flip, random resized crop, scale jitter (about the centre), translation, rotation (about the
 * centre); then colour jitter (brightness, contrast, saturation). The output has the input's size.
 *
 * @param hflip probability of a horizontal flip
 * @param crop probability of a random resized crop
 * @param cropScale range of the crop's area as a fraction of the image
 * @param cropAspect range of the crop's aspect ratio (width/height relative to the image's), sampled log-uniformly
 * @param scaleJitter range of the zoom factor (below 1 shrinks and pads with the mean colour)
 * @param translate largest shift as a fraction of the image side
 * @param rotate largest rotation in degrees (either way)
 * @param brightness colour factor range {@code [1-b, 1+b]}
 * @param contrast contrast factor range {@code [1-c, 1+c]}
 * @param saturation saturation factor range {@code [1-s, 1+s]}
 * @param minVisible boxes keeping less than this fraction of their area inside the image are dropped
 * @param minSize boxes narrower or lower than this many pixels after clipping are dropped
 */
public record AugmentConfig(boolean enabled, double hflip, double crop, double[] cropScale, double[] cropAspect,
        double[] scaleJitter, double translate, double rotate, double brightness, double contrast, double saturation,
        double minVisible, double minSize) {

    /** The configuration section these options live in. */
    public static final String SECTION = "data.augment";

    /** No augmentation at all (evaluation, or the identity in tests). */
    public static final AugmentConfig NONE = new AugmentConfig(false, 0, 0, new double[] {1, 1},
            new double[] {1, 1}, new double[] {1, 1}, 0, 0, 0, 0, 0, 0, 0);

    public AugmentConfig {
        cropScale = cropScale.clone();
        cropAspect = cropAspect.clone();
        scaleJitter = scaleJitter.clone();
    }

    /** True if any geometric transform can happen (otherwise boxes and pixels keep their places). */
    public boolean geometric() {
        return enabled && (hflip > 0 || crop > 0 || scaleJitter[0] != 1 || scaleJitter[1] != 1 || translate > 0
                || rotate > 0);
    }

    /** True if any colour transform can happen. */
    public boolean photometric() {
        return enabled && (brightness > 0 || contrast > 0 || saturation > 0);
    }

    /** The declared options of section {@code data.augment}, keys relative to the section. */
    public static List<OptionSpec> options() {
        return List.of(
                OptionSpec.bool("enabled", true, "Augment training images at all (evaluation never augments)."),
                OptionSpec.number("hflip", 0.5, "Probability of a horizontal flip.").range(0, 1),
                OptionSpec.number("crop", 0.0, "Probability of a random resized crop (resized back to the image size).").range(0, 1),
                OptionSpec.list("crop-scale", "0.3,1.0", "Range lo,hi of the crop's area as a fraction of the image."),
                OptionSpec.list("crop-aspect", "0.75,1.333",
                        "Range lo,hi of the crop's aspect ratio relative to the image's (sampled log-uniformly)."),
                OptionSpec.list("scale-jitter", "0.8,1.2",
                        "Range lo,hi of a zoom about the centre; below 1 shrinks and pads with the mean colour."),
                OptionSpec.number("translate", 0.0, "Largest shift as a fraction of the image width/height.").range(0, 0.9),
                OptionSpec.number("rotate", 0.0,
                        "Largest rotation in degrees; boxes become the tight box of their rotated corners.").range(0, 180),
                OptionSpec.number("brightness", 0.0, "Brightness jitter b: factor in [1-b, 1+b].").range(0, 0.99),
                OptionSpec.number("contrast", 0.0, "Contrast jitter c: factor in [1-c, 1+c] around the mean grey.").range(0, 0.99),
                OptionSpec.number("saturation", 0.0, "Saturation jitter s: factor in [1-s, 1+s] around each pixel's grey.").range(0, 0.99),
                OptionSpec.number("min-visible", 0.3,
                        "Drop a box when less than this fraction of its area stays inside the image.").range(0, 1),
                OptionSpec.number("min-size", 2.0, "Drop a box narrower or lower than this many pixels after clipping.").range(0, 1e6));
    }

    /** Reads and checks the options (from {@code Options.of("data.augment.", options(), given)}). */
    public static AugmentConfig fromOptions(Options o) {
        double hflip = probability(o, "hflip");
        double crop = probability(o, "crop");
        double[] cropScale = range(o, "crop-scale", 1e-3, 1);
        double[] cropAspect = range(o, "crop-aspect", 0.1, 10);
        double[] scaleJitter = range(o, "scale-jitter", 0.05, 20);
        double translate = bounded(o, "translate", 0, 0.9);
        double rotate = bounded(o, "rotate", 0, 180);
        double brightness = bounded(o, "brightness", 0, 0.99);
        double contrast = bounded(o, "contrast", 0, 0.99);
        double saturation = bounded(o, "saturation", 0, 0.99);
        double minVisible = bounded(o, "min-visible", 0, 1);
        double minSize = bounded(o, "min-size", 0, 1e6);
        return new AugmentConfig(o.getBoolean("enabled"), hflip, crop, cropScale, cropAspect, scaleJitter, translate,
                rotate, brightness, contrast, saturation, minVisible, minSize);
    }

    private static double probability(Options o, String key) {
        return bounded(o, key, 0, 1);
    }

    private static double bounded(Options o, String key, double lo, double hi) {
        double v = o.getDouble(key);
        if (v < lo || v > hi) {
            throw o.invalid(key, "expected a number in [" + lo + ", " + hi + "]");
        }
        return v;
    }

    private static double[] range(Options o, String key, double lo, double hi) {
        List<String> parts = o.getList(key);
        if (parts.size() != 2) {
            throw o.invalid(key, "expected two numbers lo,hi");
        }
        double a;
        double b;
        try {
            a = Double.parseDouble(parts.get(0));
            b = Double.parseDouble(parts.get(1));
        } catch (NumberFormatException e) {
            throw o.invalid(key, "expected two numbers lo,hi");
        }
        if (!(a >= lo && b <= hi && a <= b)) {
            throw o.invalid(key, "expected lo,hi with " + lo + " <= lo <= hi <= " + hi);
        }
        return new double[] {a, b};
    }
}
