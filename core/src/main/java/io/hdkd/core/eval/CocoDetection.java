package io.hdkd.core.eval;

/**
 * One detection in COCO's results format: {@code {image_id, category_id, bbox: [x, y, w, h], score}}, in original
 * image pixels. {@code categoryId} is the COCO category id (not the contiguous class index).
 */
public record CocoDetection(long imageId, int categoryId, double x, double y, double width, double height,
        double score) {

    /** The detection's area as pycocotools computes it for results: {@code w * h}. */
    public double area() {
        return width * height;
    }
}
