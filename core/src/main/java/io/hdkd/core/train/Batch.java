package io.hdkd.core.train;

import ai.djl.ndarray.NDArray;
import io.hdkd.api.ImageMeta;
import io.hdkd.api.ImageTargets;
import java.util.List;

/**
 * One training or evaluation batch: padded, normalised images {@code N x 3 x H x W}, the targets and how each image
 * maps back to its original.
 */
public record Batch(NDArray images, List<ImageTargets> targets, List<ImageMeta> metas) {

    public Batch {
        targets = List.copyOf(targets);
        metas = List.copyOf(metas);
    }

    public int size() {
        return (int) images.getShape().get(0);
    }
}
