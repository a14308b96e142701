package io.hdkd.core.data.coco;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import io.hdkd.core.data.Category;
import io.hdkd.core.data.DetectionDataset;
import io.hdkd.core.data.ImageRecord;
import io.hdkd.core.data.ObjectAnnotation;
import io.hdkd.core.io.AtomicFiles;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/**
 * Writes a {@link DetectionDataset} as a COCO instances file ({@code images}, {@code annotations},
 * {@code categories}), the format {@code CocoReader} and pycocotools read. Class indices become the categories'
 * {@code cocoId}s; boxes are {@code [x, y, w, h]} in pixels. The output is a function of the dataset alone (fixed
 * field order, no timestamps), so equal datasets give byte-identical files.
 */
public final class CocoWriter {

    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

    private CocoWriter() {}

    /** Atomically writes the instances JSON of {@code dataset} to {@code target}. */
    public static void write(DetectionDataset dataset, Path target) {
        String json = GSON.toJson(toJson(dataset));
        AtomicFiles.writeString(target, json);
    }

    /** The instances document as a JSON tree. */
    public static JsonObject toJson(DetectionDataset dataset) {
        JsonObject root = new JsonObject();
        JsonObject info = new JsonObject();
        info.addProperty("description", "written by hdkd");
        root.add("info", info);

        JsonArray images = new JsonArray();
        JsonArray annotations = new JsonArray();
        Set<Long> imageIds = new HashSet<>();
        Set<Long> annotationIds = new HashSet<>();
        for (ImageRecord image : dataset.images()) {
            if (!imageIds.add(image.id())) {
                throw new IllegalArgumentException("duplicate image id " + image.id());
            }
            JsonObject im = new JsonObject();
            im.addProperty("id", image.id());
            im.addProperty("width", image.width());
            im.addProperty("height", image.height());
            im.addProperty("file_name", image.fileName());
            images.add(im);
            for (ObjectAnnotation a : image.objects()) {
                if (a.id() < 1 || !annotationIds.add(a.id())) {
                    throw new IllegalArgumentException("annotation id must be unique and >= 1: " + a.id());
                }
                if (a.classIndex() < 0 || a.classIndex() >= dataset.numClasses()) {
                    throw new IllegalArgumentException("annotation " + a.id() + " has class index " + a.classIndex()
                            + " outside [0, " + dataset.numClasses() + ")");
                }
                JsonObject an = new JsonObject();
                an.addProperty("id", a.id());
                an.addProperty("image_id", image.id());
                an.addProperty("category_id", dataset.categories().get(a.classIndex()).cocoId());
                JsonArray bbox = new JsonArray();
                bbox.add(a.x());
                bbox.add(a.y());
                bbox.add(a.width());
                bbox.add(a.height());
                an.add("bbox", bbox);
                an.addProperty("area", a.area());
                an.addProperty("iscrowd", a.crowd() ? 1 : 0);
                annotations.add(an);
            }
        }
        JsonArray categories = new JsonArray();
        Set<Integer> categoryIds = new HashSet<>();
        for (Category c : dataset.categories()) {
            if (!categoryIds.add(c.cocoId())) {
                throw new IllegalArgumentException("duplicate category id " + c.cocoId());
            }
            JsonObject cat = new JsonObject();
            cat.addProperty("id", c.cocoId());
            cat.addProperty("name", c.name());
            cat.addProperty("supercategory", "object");
            categories.add(cat);
        }
        root.add("images", images);
        root.add("annotations", annotations);
        root.add("categories", categories);
        return root;
    }
}
