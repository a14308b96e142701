package io.hdkd.core.data.loader;

import io.hdkd.api.ImageMeta;
import io.hdkd.api.InvalidInputException;
import io.hdkd.core.data.DetectionDataset;
import io.hdkd.core.data.ImageRecord;
import io.hdkd.core.data.ObjectAnnotation;
import io.hdkd.core.data.augment.AugmentPlan;
import io.hdkd.core.data.augment.Augmenter;
import io.hdkd.core.data.augment.Boxes;
import io.hdkd.core.data.image.AffineWarp;
import io.hdkd.core.data.image.FloatImage;
import io.hdkd.core.data.image.ImageDecoder;
import io.hdkd.core.util.Seeds;
import java.awt.geom.AffineTransform;
import java.util.SplittableRandom;

/**
 * Turns dataset image {@code i} of epoch {@code e} into a {@link PreparedSample}: decode, augment and resize in one
 * bilinear pass (the augmentation's map followed by the resize), colour jitter, normalise. Every random choice comes
 * from a stream seeded by (seed, epoch, i), so the result does not depend on the thread or the order of work.
 */
final class SamplePreparer {

    private final DetectionDataset dataset;
    private final Augmenter augmenter;
    private final LoaderConfig config;

    SamplePreparer(DetectionDataset dataset, Augmenter augmenter, LoaderConfig config) {
        this.dataset = dataset;
        this.augmenter = augmenter;
        this.config = config;
    }

    PreparedSample prepare(int epoch, int index) {
        ImageRecord record = dataset.images().get(index);
        FloatImage src = ImageDecoder.read(dataset.imageDir().resolve(record.fileName()));
        if (src.width() != record.width() || src.height() != record.height()) {
            throw new InvalidInputException("image " + record.fileName() + " is " + src.width() + "x"
                    + src.height() + " but the annotations say " + record.width() + "x" + record.height());
        }
        int w = src.width();
        int h = src.height();
        double scale = config.scaleFor(w, h);
        int outW = Math.max(1, (int) Math.round(w * scale));
        int outH = Math.max(1, (int) Math.round(h * scale));
        // the exact ratios of the rounded size, so pixels and boxes move identically
        float sx = (float) outW / w;
        float sy = (float) outH / h;
        AffineTransform resize = AffineWarp.scale(sx, sy);

        Boxes boxes = trainingBoxes(record);
        AugmentPlan plan = augmenter.sample(w, h, new SplittableRandom(Seeds.mix(config.seed(), epoch, index)));
        AffineTransform full = new AffineTransform(resize);
        full.concatenate(plan.geometry());
        FloatImage out = full.isIdentity() ? copy(src) : AffineWarp.warp(src, full, outW, outH, config.mean());
        plan.applyColour(out);
        normalise(out);
        Boxes moved = plan.apply(boxes, resize, outW, outH);
        return new PreparedSample(out, moved, new ImageMeta(record.id(), w, h, sx, sy));
    }

    /** Non-crowd objects as xyxy boxes; crowd regions are not training targets. */
    private static Boxes trainingBoxes(ImageRecord record) {
        int n = 0;
        for (ObjectAnnotation a : record.objects()) {
            n += a.crowd() ? 0 : 1;
        }
        float[] xyxy = new float[4 * n];
        int[] labels = new int[n];
        int k = 0;
        for (ObjectAnnotation a : record.objects()) {
            if (a.crowd()) {
                continue;
            }
            xyxy[4 * k] = (float) a.x();
            xyxy[4 * k + 1] = (float) a.y();
            xyxy[4 * k + 2] = (float) (a.x() + a.width());
            xyxy[4 * k + 3] = (float) (a.y() + a.height());
            labels[k] = a.classIndex();
            k++;
        }
        return new Boxes(xyxy, labels);
    }

    private static FloatImage copy(FloatImage f) {
        return new FloatImage(f.channels(), f.height(), f.width(), f.data().clone());
    }

    private void normalise(FloatImage img) {
        float[] d = img.data();
        int n = img.planeSize();
        for (int c = 0; c < 3; c++) {
            float m = config.mean()[c];
            float inv = 1f / config.std()[c];
            int base = c * n;
            for (int i = 0; i < n; i++) {
                d[base + i] = (d[base + i] - m) * inv;
            }
        }
    }
}
