package io.hdkd.core.pipeline;

import io.hdkd.api.InvalidInputException;
import io.hdkd.api.OptionSpec;
import io.hdkd.api.Options;
import io.hdkd.core.config.ConfigSection;
import io.hdkd.core.data.DetectionDataset;
import io.hdkd.core.data.coco.BoxPolicy;
import io.hdkd.core.data.coco.CocoReader;
import io.hdkd.core.data.synth.SynthConfig;
import io.hdkd.core.data.synth.SynthDatasetWriter;
import io.hdkd.core.data.synth.SynthPreset;
import io.hdkd.core.progress.ProgressBar;
import io.hdkd.core.run.RunFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * {@code dataset.*}: where a run's images and annotations come from: a COCO-format dataset on disk
 * ({@code dataset.root} with hdkd's layout, or explicit files), or hdkd's synthetic scenes generated into the run
 * folder from the run's seed (the built-in default data).
 */
public final class DatasetSection {

    public static final ConfigSection SECTION = new ConfigSection("dataset", List.of(
            OptionSpec.choice("synthetic", "none", "Generate synthetic scenes of this preset into RUN/data instead of "
                    + "reading a dataset: dense (many small crowded objects), coarse (few large), sparse (few tiny).",
                    "none", "dense", "coarse", "sparse"),
            OptionSpec.integer("synthetic-images", 240, "Synthetic images in all (train + val).").atLeast(1),
            OptionSpec.integer("synthetic-size", 256, "Synthetic image side in pixels.").range(32, 8192),
            OptionSpec.number("synthetic-val-fraction", 0.2, "Share of synthetic images in the val split.").range(0, 0.99),
            OptionSpec.path("root", "", "A dataset folder in hdkd's layout: annotations/instances_{train,val}.json, "
                    + "images/{train,val}/ (what 'hdkd data synth' writes)."),
            OptionSpec.path("train-annotations", "", "COCO instances JSON of the training split (overrides root)."),
            OptionSpec.path("train-images", "", "Image folder of the training split (overrides root)."),
            OptionSpec.path("val-annotations", "", "COCO instances JSON of the validation split (overrides root)."),
            OptionSpec.path("val-images", "", "Image folder of the validation split (overrides root)."),
            OptionSpec.choice("box-policy", "error", "Boxes outside the image or of non-positive size: error, clip, "
                    + "or drop (counted in the log).", "error", "clip", "drop")));

    /** The classes of synthetic scenes (always the same list). */
    static final int SYNTHETIC_CLASSES = SynthDatasetWriter.categories().size();

    /** The training and validation splits. */
    public record Splits(DetectionDataset train, DetectionDataset val) {}

    private DatasetSection() {}

    /** True if the run's data are synthetic scenes, generated into the run folder. */
    static boolean isSynthetic(Options o) {
        return !o.getString("synthetic").equals("none");
    }

    /**
     * Reads (or generates into {@code runDir/data}) the run's datasets.
     *
     * @param seed the run's seed, for synthetic scenes
     */
    public static Splits load(Options o, Path runDir, long seed) {
        String synthetic = o.getString("synthetic");
        if (isSynthetic(o)) {
            Path dir = RunFolder.at(runDir).data();
            if (!Files.isRegularFile(dir.resolve("annotations/instances_train.json"))) {
                SynthConfig cfg = new SynthConfig(SynthPreset.valueOf(synthetic.toUpperCase(Locale.ROOT)),
                        o.getInt("synthetic-images"), o.getInt("synthetic-size"), seed,
                        o.getDouble("synthetic-val-fraction"));
                try (ProgressBar bar = ProgressBar.stderr("synthetic " + synthetic, cfg.images(), "img")) {
                    SynthDatasetWriter.write(cfg, dir, bar);
                }
            }
            return fromRoot(dir, BoxPolicy.ERROR);
        }
        BoxPolicy policy = BoxPolicy.valueOf(o.getString("box-policy").toUpperCase(Locale.ROOT));
        String root = o.getString("root");
        Path base = root.isBlank() ? null : Path.of(root);
        Path trainAnn = pick(o, "train-annotations", base, "annotations/instances_train.json");
        Path trainImg = pick(o, "train-images", base, "images/train");
        Path valAnn = pick(o, "val-annotations", base, "annotations/instances_val.json");
        Path valImg = pick(o, "val-images", base, "images/val");
        CocoReader.Options read = new CocoReader.Options(policy, false);
        return new Splits(CocoReader.read(trainAnn, trainImg, read).dataset(),
                CocoReader.read(valAnn, valImg, read).dataset());
    }

    /**
     * The run's validation split alone (what {@code hdkd eval} scores): a dataset on disk reads only its val
     * annotations; synthetic scenes are read from (or regenerated into) {@code runDir/data} as {@link #load} does.
     */
    public static DetectionDataset validation(Options o, Path runDir, long seed) {
        if (isSynthetic(o)) {
            return load(o, runDir, seed).val();
        }
        BoxPolicy policy = BoxPolicy.valueOf(o.getString("box-policy").toUpperCase(Locale.ROOT));
        String root = o.getString("root");
        Path base = root.isBlank() ? null : Path.of(root);
        return CocoReader.read(pick(o, "val-annotations", base, "annotations/instances_val.json"),
                pick(o, "val-images", base, "images/val"), new CocoReader.Options(policy, false)).dataset();
    }

    /** The files of a dataset on disk: annotations and image folder of each split. */
    public record DiskFiles(Path trainAnnotations, Path trainImages, Path valAnnotations, Path valImages) {}

    /**
     * Where a dataset on disk is ({@code dataset.synthetic = none}).
     *
     * @throws InvalidInputException if no data is configured
     */
    public static DiskFiles diskFiles(Options o) {
        String root = o.getString("root");
        Path base = root.isBlank() ? null : Path.of(root);
        return new DiskFiles(pick(o, "train-annotations", base, "annotations/instances_train.json"),
                pick(o, "train-images", base, "images/train"),
                pick(o, "val-annotations", base, "annotations/instances_val.json"),
                pick(o, "val-images", base, "images/val"));
    }

    /** The splits of a folder in hdkd's layout. */
    public static Splits fromRoot(Path dir, BoxPolicy policy) {
        CocoReader.Options read = new CocoReader.Options(policy, false);
        return new Splits(
                CocoReader.read(dir.resolve("annotations/instances_train.json"), dir.resolve("images/train"), read)
                        .dataset(),
                CocoReader.read(dir.resolve("annotations/instances_val.json"), dir.resolve("images/val"), read)
                        .dataset());
    }

    private static Path pick(Options o, String key, Path base, String relative) {
        String v = o.getString(key);
        if (!v.isBlank()) {
            return Path.of(v);
        }
        if (base == null) {
            throw new InvalidInputException("no data: set dataset.synthetic (e.g. coarse), dataset.root, or dataset."
                    + key);
        }
        return base.resolve(relative);
    }
}
