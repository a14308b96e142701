package io.hdkd.core.data.coco;

import java.util.Locale;

/** What the COCO reader does with a box that leaves its image or has a non-positive width or height. */
public enum BoxPolicy {
    /** Refuse the file (one line naming the annotation). */
    ERROR,
    /** Clip the box to the image; a box left with no area is dropped. Both are counted. */
    CLIP,
    /** Leave the annotation out, counted. */
    DROP,
    /**
     * Take boxes as written. For evaluation only: pycocotools scores ground truth as it is, so clipping would move
     * the numbers.
     */
    KEEP;

    /** Parses {@code error | clip | drop | keep}, case-insensitively. */
    public static BoxPolicy parse(String s) {
        try {
            return valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new io.hdkd.api.InvalidInputException("box policy '" + s + "': expected error, clip, drop or keep");
        }
    }
}
