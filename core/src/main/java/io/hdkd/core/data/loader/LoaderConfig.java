package io.hdkd.core.data.loader;

import io.hdkd.api.OptionSpec;
import io.hdkd.api.Options;
import java.util.List;
import java.util.Locale;

/**
 * How images become network inputs, the configuration section {@code data.loader.*}.
 *
 * <p>Resize keeps the aspect ratio: either the longer side becomes {@code size} ({@link ResizeMode#LONGER}, YOLO
 * style) or the shorter side becomes {@code minSize} with the longer capped at {@code maxSize}
 * ({@link ResizeMode#SHORTER}, the Faster R-CNN / MMDetection style). Pixels are normalised with per-channel mean and
 * std (ImageNet's by default) and batches are padded at the bottom and right to a multiple of {@code sizeDivisor}
 * with zeros, which is the mean colour after normalisation.
 */
public record LoaderConfig(ResizeMode resizeMode, int size, int minSize, int maxSize, int sizeDivisor, int batchSize,
        int workers, int prefetch, boolean shuffle, boolean dropLast, long seed, float[] mean, float[] std) {

    /** How the resize target is chosen. */
    public enum ResizeMode {
        LONGER,
        SHORTER;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    public static final String SECTION = "data.loader";
    public static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    public static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};

    public LoaderConfig {
        mean = mean.clone();
        std = std.clone();
        if (mean.length != 3 || std.length != 3) {
            throw new IllegalArgumentException("mean and std need 3 values");
        }
        if (size < 1 || minSize < 1 || maxSize < minSize || sizeDivisor < 1 || batchSize < 1 || workers < 1
                || prefetch < 1) {
            throw new IllegalArgumentException("bad loader config " + size + "/" + minSize + "/" + maxSize + "/"
                    + sizeDivisor + "/" + batchSize + "/" + workers + "/" + prefetch);
        }
    }

    /** Longer side {@code size}, ImageNet normalisation, pad to 32, 2 workers, 4 batches prefetched. */
    public static LoaderConfig longerSide(int size, int batchSize, int workers, boolean shuffle, long seed) {
        return new LoaderConfig(ResizeMode.LONGER, size, 800, 1333, 32, batchSize, workers, 4, shuffle, false, seed,
                IMAGENET_MEAN, IMAGENET_STD);
    }

    /** The same resize and normalisation, in dataset order, keeping every image: for evaluation and prediction. */
    public LoaderConfig forEvaluation() {
        return new LoaderConfig(resizeMode, size, minSize, maxSize, sizeDivisor, batchSize, workers, prefetch, false,
                false, seed, mean, std);
    }

    /** The same settings with another seed (e.g. mixed with the run's seed). */
    public LoaderConfig withSeed(long newSeed) {
        return new LoaderConfig(resizeMode, size, minSize, maxSize, sizeDivisor, batchSize, workers, prefetch, shuffle,
                dropLast, newSeed, mean, std);
    }

    public LoaderConfig withWorkers(int n) {
        return new LoaderConfig(resizeMode, size, minSize, maxSize, sizeDivisor, batchSize, n, prefetch, shuffle,
                dropLast, seed, mean, std);
    }

    public static List<OptionSpec> options() {
        return List.of(
                OptionSpec.choice("resize", "longer",
                        "longer: longer side = size; shorter: shorter side = min-size, longer side <= max-size.",
                        "longer", "shorter"),
                OptionSpec.integer("size", 512, "Target of the longer side (resize = longer).").atLeast(1),
                OptionSpec.integer("min-size", 800, "Target of the shorter side (resize = shorter).").atLeast(1),
                OptionSpec.integer("max-size", 1333, "Cap of the longer side (resize = shorter).").atLeast(1),
                OptionSpec.integer("size-divisor", 32, "Pad batch height and width to a multiple of this.").atLeast(1),
                OptionSpec.integer("batch-size", 8, "Images per batch.").atLeast(1),
                OptionSpec.integer("workers", 2, "Threads decoding and augmenting images.").atLeast(1),
                OptionSpec.integer("prefetch", 4, "Batches prepared ahead of the consumer.").atLeast(1),
                OptionSpec.bool("shuffle", true, "Shuffle training images every epoch (seeded per epoch)."),
                OptionSpec.bool("drop-last", false, "Drop the last, incomplete batch of an epoch."),
                OptionSpec.longInteger("seed", 0, "Seed of shuffling and augmentation."),
                OptionSpec.list("mean", "0.485,0.456,0.406", "Per-channel RGB mean of pixels in [0, 1]."),
                OptionSpec.list("std", "0.229,0.224,0.225", "Per-channel RGB standard deviation of pixels in [0, 1]."));
    }

    public static LoaderConfig fromOptions(Options o) {
        ResizeMode mode = ResizeMode.valueOf(o.getString("resize").toUpperCase(Locale.ROOT));
        int size = positive(o, "size");
        int minSize = positive(o, "min-size");
        int maxSize = positive(o, "max-size");
        if (maxSize < minSize) {
            throw o.invalid("max-size", "must be >= min-size");
        }
        return new LoaderConfig(mode, size, minSize, maxSize, positive(o, "size-divisor"), positive(o, "batch-size"),
                positive(o, "workers"), positive(o, "prefetch"), o.getBoolean("shuffle"), o.getBoolean("drop-last"),
                o.getLong("seed"), triple(o, "mean", false), triple(o, "std", true));
    }

    private static int positive(Options o, String key) {
        int v = o.getInt(key);
        if (v < 1) {
            throw o.invalid(key, "expected a positive integer");
        }
        return v;
    }

    private static float[] triple(Options o, String key, boolean strictlyPositive) {
        List<String> parts = o.getList(key);
        if (parts.size() != 3) {
            throw o.invalid(key, "expected three numbers r,g,b");
        }
        float[] out = new float[3];
        for (int i = 0; i < 3; i++) {
            try {
                out[i] = Float.parseFloat(parts.get(i));
            } catch (NumberFormatException e) {
                throw o.invalid(key, "expected three numbers r,g,b");
            }
            if (!Float.isFinite(out[i]) || (strictlyPositive && out[i] <= 0)) {
                throw o.invalid(key, strictlyPositive ? "expected three positive numbers" : "expected finite numbers");
            }
        }
        return out;
    }

    /** The scale that resizes a {@code width x height} image, per {@link #resizeMode}. */
    public double scaleFor(int width, int height) {
        if (resizeMode == ResizeMode.LONGER) {
            return (double) size / Math.max(width, height);
        }
        double s = (double) minSize / Math.min(width, height);
        if (Math.max(width, height) * s > maxSize) {
            s = (double) maxSize / Math.max(width, height);
        }
        return s;
    }
}
