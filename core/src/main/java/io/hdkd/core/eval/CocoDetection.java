package io.hdkd.core.eval;

import io.hdkd.api.Detection;
import io.hdkd.core.data.Category;
import java.util.List;

/**
 * One detection in COCO's results format: {@code {image_id, category_id, bbox: [x, y, w, h], score}}, in original
 * image pixels. {@code categoryId} is the COCO category id (not the contiguous class index).
 */
public record CocoDetection(long imageId, int categoryId, double x, double y, double width, double height,
        double score) {

    /**
     * A model's detection ({@code x1, y1, x2, y2}, contiguous class index) in COCO's results form.
     *
     * @param categories the dataset's classes; the label indexes them and gives the COCO category id
     */
    public static CocoDetection of(long imageId, Detection d, List<Category> categories) {
        if (d.label() < 0 || d.label() >= categories.size()) {
            throw new IllegalArgumentException(
                    "detection label " + d.label() + " outside 0.." + (categories.size() - 1));
        }
        return new CocoDetection(imageId, categories.get(d.label()).cocoId(), d.x1(), d.y1(), d.x2() - d.x1(),
                d.y2() - d.y1(), d.score());
    }

    /** The detection's area as pycocotools computes it for results: {@code w * h}. */
    public double area() {
        return width * height;
    }
}
