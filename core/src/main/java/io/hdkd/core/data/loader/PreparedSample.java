package io.hdkd.core.data.loader;

import io.hdkd.api.ImageMeta;
import io.hdkd.core.data.augment.Boxes;
import io.hdkd.core.data.image.FloatImage;

/** One image made ready off the training thread: normalised pixels, boxes in input pixels, meta. */
record PreparedSample(FloatImage image, Boxes boxes, ImageMeta meta) {}
