package io.hdkd.core.data;

import java.nio.file.Path;
import java.util.List;

/**
 * A detection dataset in memory: where its images are, its classes, its images with their objects. Real COCO
 * files and hdkd's synthetic scenes both load into this, through the same reader.
 *
 * @param imageDir the folder image file names are relative to
 * @param categories the classes; a class's index here is its contiguous class index
 */
public record DetectionDataset(Path imageDir, List<Category> categories, List<ImageRecord> images) {

    public DetectionDataset {
        categories = List.copyOf(categories);
        images = List.copyOf(images);
    }

    public int numClasses() {
        return categories.size();
    }
}
