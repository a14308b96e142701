package io.hdkd.api;

import ai.djl.ndarray.NDArray;
import java.util.List;

/** Splits feature locations across levels into subspaces (e.g. by receptive field). */
public interface FeaturePartitioner {

    /** The number of subspaces K this partitioner produces. */
    int subspaces();

    /**
     * Partitions the locations of {@code features}.
     *
     * @param features one {@code N x C x H x W} map per level (channels may differ between levels)
     * @param levels the levels' names and strides, same order as {@code features}
     * @param targets ground truth per image, or an empty list when not available
     */
    Partition partition(List<NDArray> features, List<FeatureLevel> levels, List<ImageTargets> targets);
}
