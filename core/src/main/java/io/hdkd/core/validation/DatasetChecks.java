package io.hdkd.core.validation;

import io.hdkd.api.InvalidInputException;
import io.hdkd.api.Options;
import io.hdkd.core.data.DetectionDataset;
import io.hdkd.core.data.coco.BoxPolicy;
import io.hdkd.core.data.coco.CocoReader;
import io.hdkd.core.data.synth.SynthConfig;
import io.hdkd.core.data.synth.SynthDatasetWriter;
import io.hdkd.core.data.synth.SynthPreset;
import io.hdkd.core.pipeline.DatasetSection;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The dataset part of the validation pass: synthetic scenes must give each split at least one image; a dataset on
 * disk is read with every referenced image's header decoded (a missing or undecodable image is found here, not at
 * the first batch that needs it), and an empty split, or a training split without a single object, is refused.
 */
final class DatasetChecks {

    private DatasetChecks() {}

    /** The values alone, without reading files. */
    static void checkSettings(Options o) {
        String synthetic = o.getString("synthetic");
        if (synthetic.equals("none")) {
            return;
        }
        SynthConfig cfg = synthConfig(o, synthetic);
        if (cfg.trainImages() < 1 || cfg.valImages() < 1) {
            throw new InvalidInputException(o.prefix() + "synthetic-images = " + cfg.images() + " with "
                    + o.prefix() + "synthetic-val-fraction = " + o.getDouble("synthetic-val-fraction") + " gives "
                    + cfg.trainImages() + " training and " + cfg.valImages() + " validation images; each split needs "
                    + "at least one: raise " + o.prefix() + "synthetic-images or change the fraction");
        }
    }

    /**
     * Reads the configured dataset (every image header decoded) and returns its number of classes.
     *
     * @throws InvalidInputException on the first problem, naming the file
     */
    static int numClasses(Options o) {
        String synthetic = o.getString("synthetic");
        if (!synthetic.equals("none")) {
            return SynthDatasetWriter.categories().size();
        }
        DatasetSection.DiskFiles files = DatasetSection.diskFiles(o);
        BoxPolicy policy = BoxPolicy.valueOf(o.getString("box-policy").toUpperCase(Locale.ROOT));
        CocoReader.Options read = new CocoReader.Options(policy, true);
        DetectionDataset train = split("training", files.trainAnnotations(), files.trainImages(), read);
        DetectionDataset val = split("validation", files.valAnnotations(), files.valImages(), read);
        long objects = train.images().stream().mapToLong(i -> i.objects().size()).sum();
        if (objects == 0) {
            throw new InvalidInputException(files.trainAnnotations() + ": the training split has "
                    + train.images().size() + " images but no annotations: there is nothing to learn");
        }
        if (val.numClasses() != train.numClasses()) {
            throw new InvalidInputException(files.valAnnotations() + " lists " + val.numClasses() + " categories but "
                    + files.trainAnnotations() + " lists " + train.numClasses() + ": both splits need the same ones");
        }
        return train.numClasses();
    }

    private static DetectionDataset split(String name, Path annotations, Path images, CocoReader.Options read) {
        DetectionDataset d = CocoReader.read(annotations, images, read).dataset();
        if (d.images().isEmpty()) {
            throw new InvalidInputException(annotations + ": the " + name + " split holds no images (an empty "
                    + "'images' list): a run needs at least one");
        }
        if (d.numClasses() == 0) {
            throw new InvalidInputException(annotations + ": no categories: a detector needs at least one class");
        }
        return d;
    }

    static SynthConfig synthConfig(Options o, String synthetic) {
        return new SynthConfig(SynthPreset.valueOf(synthetic.toUpperCase(Locale.ROOT)), o.getInt("synthetic-images"),
                o.getInt("synthetic-size"), 0, o.getDouble("synthetic-val-fraction"));
    }
}
