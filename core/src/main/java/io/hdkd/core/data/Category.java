package io.hdkd.core.data;

/**
 * One object class. Its position in {@link DetectionDataset#categories()} is the contiguous class index the models
 * use; {@code cocoId} is the id in the annotation file (COCO's ids are not contiguous).
 */
public record Category(int cocoId, String name) {}
