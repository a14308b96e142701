package io.hdkd.api;

import ai.djl.ndarray.NDArray;

/**
 * The boxes one image is trained on, in the coordinates of the (resized, padded) network input: its ground truth, or
 * a teacher's detections (SPI 2), which carry a confidence per box.
 *
 * <p>Without {@code scores} every box is certain (ground truth). With scores, a box of score {@code s} in
 * {@code (0, 1]} is a soft target: heads that {@link DetectorHead#acceptsSoftTargets() accept soft targets} encode it
 * with {@code s} where they would put 1 (RetinaNet: the class target of its anchors; CornerNet: the peak of its corner
 * Gaussians) and weight its other terms by {@code s}; a box of score 1 encodes exactly as ground truth, and a box of
 * score 0 exactly as an absent box. The host gives other heads hard pseudo-labels instead (scores dropped, boxes
 * below a threshold removed).
 *
 * @param boxes float32 M x 4, {@code x1, y1, x2, y2} in input pixels (M may be 0)
 * @param labels int32 M, contiguous class indices in {@code [0, numClasses)}
 * @param scores float32 M in {@code [0, 1]}, or null for certain boxes (ground truth)
 */
public record ImageTargets(NDArray boxes, NDArray labels, NDArray scores) {

    /** Certain boxes: ground truth (the SPI 1 constructor). */
    public ImageTargets(NDArray boxes, NDArray labels) {
        this(boxes, labels, null);
    }

    /** True if the boxes carry scores, i.e. are soft targets. */
    public boolean scored() {
        return scores != null;
    }

    /** The scores, or ones (float32 M) for certain boxes, attached to the boxes' manager. */
    public NDArray scoresOrOnes() {
        if (scores != null) {
            return scores;
        }
        return boxes.getManager().ones(new ai.djl.ndarray.types.Shape(labels.size()));
    }
}
