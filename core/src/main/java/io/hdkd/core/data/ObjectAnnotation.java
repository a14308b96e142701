package io.hdkd.core.data;

/**
 * One annotated object, in original image pixels, COCO style: top-left {@code x, y}, width and height.
 *
 * @param id the annotation id from the file (>= 1)
 * @param classIndex contiguous class index (position in {@link DetectionDataset#categories()})
 * @param area COCO's {@code area} field (the segmentation's area in real COCO, not always w*h); evaluation uses it
 * @param crowd COCO's {@code iscrowd}: a region of many objects; ignored in training, special in evaluation
 */
public record ObjectAnnotation(long id, int classIndex, double x, double y, double width, double height, double area,
        boolean crowd) {}
