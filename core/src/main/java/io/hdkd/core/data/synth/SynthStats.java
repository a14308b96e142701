package io.hdkd.core.data.synth;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.hdkd.core.data.DetectionDataset;
import io.hdkd.core.data.ImageRecord;
import io.hdkd.core.data.ObjectAnnotation;
import java.util.Locale;

/**
 * Summary of a detection split: images, objects per image and object sizes in COCO's terms (small below 32x32
 * pixels of area, large above 96x96, medium between), by annotation area.
 */
public record SynthStats(int images, int objects, int minPerImage, int maxPerImage, int small, int medium, int large,
        int[] perClass, int dropped) {

    public static final double SMALL_AREA = 32 * 32;
    public static final double LARGE_AREA = 96 * 96;

    /** Statistics of {@code dataset}; {@code dropped} counts objects left unannotated because hidden. */
    public static SynthStats of(DetectionDataset dataset, int dropped) {
        int objects = 0;
        int min = Integer.MAX_VALUE;
        int max = 0;
        int small = 0;
        int medium = 0;
        int large = 0;
        int[] perClass = new int[dataset.numClasses()];
        for (ImageRecord im : dataset.images()) {
            int n = im.objects().size();
            objects += n;
            min = Math.min(min, n);
            max = Math.max(max, n);
            for (ObjectAnnotation a : im.objects()) {
                perClass[a.classIndex()]++;
                if (a.area() < SMALL_AREA) {
                    small++;
                } else if (a.area() < LARGE_AREA) {
                    medium++;
                } else {
                    large++;
                }
            }
        }
        if (dataset.images().isEmpty()) {
            min = 0;
        }
        return new SynthStats(dataset.images().size(), objects, min, max, small, medium, large, perClass, dropped);
    }

    public double meanPerImage() {
        return images == 0 ? 0 : (double) objects / images;
    }

    public JsonObject toJson() {
        JsonObject o = new JsonObject();
        o.addProperty("images", images);
        o.addProperty("objects", objects);
        o.addProperty("objects_per_image_mean", Math.round(meanPerImage() * 100) / 100.0);
        o.addProperty("objects_per_image_min", minPerImage);
        o.addProperty("objects_per_image_max", maxPerImage);
        JsonObject sizes = new JsonObject();
        sizes.addProperty("small", small);
        sizes.addProperty("medium", medium);
        sizes.addProperty("large", large);
        o.add("area_histogram", sizes);
        JsonArray classes = new JsonArray();
        for (int c : perClass) {
            classes.add(c);
        }
        o.add("objects_per_class", classes);
        o.addProperty("dropped_occluded", dropped);
        return o;
    }

    /** One human-readable line. */
    public String describe() {
        return String.format(Locale.ROOT,
                "%d images, %d objects (per image mean %.2f, min %d, max %d), small %d / medium %d / large %d,"
                        + " %d hidden objects unannotated",
                images, objects, meanPerImage(), minPerImage, maxPerImage, small, medium, large, dropped);
    }
}
