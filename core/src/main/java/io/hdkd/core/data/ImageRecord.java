package io.hdkd.core.data;

import java.util.List;

/**
 * One image of a dataset and its objects.
 *
 * @param fileName relative to the dataset's image folder (never absolute, never escaping it)
 */
public record ImageRecord(long id, String fileName, int width, int height, List<ObjectAnnotation> objects) {

    public ImageRecord {
        objects = List.copyOf(objects);
    }
}
