package io.hdkd.api;

import ai.djl.ndarray.NDArray;

/**
 * The ground truth of one image, in the coordinates of the (resized, padded) network input.
 *
 * @param boxes float32 M x 4, {@code x1, y1, x2, y2} in input pixels (M may be 0)
 * @param labels int32 M, contiguous class indices in {@code [0, numClasses)}
 */
public record ImageTargets(NDArray boxes, NDArray labels) {}
