package io.hdkd.core.data.augment;

import java.awt.geom.AffineTransform;
import java.util.SplittableRandom;

/**
 * Samples augmentations. {@link #sample} draws every random choice for one image up front from the random stream it
 * is given, into an {@link AugmentPlan}; applying the plan is then deterministic. Pass a stream derived from (seed,
 * epoch, image) and a run is reproducible whatever the thread that handles the image.
 */
public final class Augmenter {

    private final AugmentConfig config;

    public Augmenter(AugmentConfig config) {
        this.config = config;
    }

    public AugmentConfig config() {
        return config;
    }

    /** The plan for an image of {@code width x height}. */
    public AugmentPlan sample(int width, int height, SplittableRandom rnd) {
        AffineTransform m = new AffineTransform();
        if (config.geometric()) {
            double cx = width / 2.0;
            double cy = height / 2.0;
            if (config.hflip() > 0 && rnd.nextDouble() < config.hflip()) {
                m.preConcatenate(new AffineTransform(-1, 0, 0, 1, width, 0));
            }
            if (config.crop() > 0 && rnd.nextDouble() < config.crop()) {
                double area = uniform(rnd, config.cropScale());
                double logLo = Math.log(config.cropAspect()[0]);
                double logHi = Math.log(config.cropAspect()[1]);
                double aspect = Math.exp(logLo == logHi ? logLo : rnd.nextDouble(logLo, logHi));
                double cw = Math.min(width, width * Math.sqrt(area * aspect));
                double ch = Math.min(height, height * Math.sqrt(area / aspect));
                double x0 = cw >= width ? 0 : rnd.nextDouble(0, width - cw);
                double y0 = ch >= height ? 0 : rnd.nextDouble(0, height - ch);
                AffineTransform crop = AffineTransform.getScaleInstance(width / cw, height / ch);
                crop.translate(-x0, -y0);
                m.preConcatenate(crop);
            }
            double[] sj = config.scaleJitter();
            if (sj[0] != 1 || sj[1] != 1) {
                double s = uniform(rnd, sj);
                m.preConcatenate(about(AffineTransform.getScaleInstance(s, s), cx, cy));
            }
            if (config.translate() > 0) {
                double t = config.translate();
                m.preConcatenate(AffineTransform.getTranslateInstance(rnd.nextDouble(-t, t) * width,
                        rnd.nextDouble(-t, t) * height));
            }
            if (config.rotate() > 0) {
                double deg = rnd.nextDouble(-config.rotate(), config.rotate());
                m.preConcatenate(AffineTransform.getRotateInstance(Math.toRadians(deg), cx, cy));
            }
        }
        float brightness = 1;
        float contrast = 1;
        float saturation = 1;
        if (config.photometric()) {
            brightness = jitter(rnd, config.brightness());
            contrast = jitter(rnd, config.contrast());
            saturation = jitter(rnd, config.saturation());
        }
        return new AugmentPlan(width, height, m, brightness, contrast, saturation, config.minVisible(),
                config.minSize());
    }

    private static AffineTransform about(AffineTransform t, double cx, double cy) {
        AffineTransform r = AffineTransform.getTranslateInstance(cx, cy);
        r.concatenate(t);
        r.translate(-cx, -cy);
        return r;
    }

    private static double uniform(SplittableRandom rnd, double[] range) {
        return range[0] == range[1] ? range[0] : rnd.nextDouble(range[0], range[1]);
    }

    private static float jitter(SplittableRandom rnd, double strength) {
        return strength > 0 ? (float) rnd.nextDouble(1 - strength, 1 + strength) : 1f;
    }
}
