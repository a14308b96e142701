package io.hdkd.core.data.loader;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.hdkd.api.ImageMeta;
import io.hdkd.api.ImageTargets;
import java.util.List;

/**
 * One batch of network inputs: {@code images} float32 {@code N x 3 x H x W} (normalised, zero-padded at the bottom
 * and right), per image its training targets (boxes xyxy in input pixels, int32 labels; crowd objects left out) and
 * its {@link ImageMeta} for mapping detections back. All arrays live in the batch's own manager: close the batch
 * when the step is done.
 *
 * <p>The meta's scales are those of the resize. Without augmentation (evaluation) dividing by them maps input pixels
 * to original pixels; with geometric augmentation the input shows the augmented image, which has the original's size
 * but not its geometry, so training-time detections cannot be mapped back (and need not be).
 */
public record DetectionBatch(NDArray images, List<ImageTargets> targets, List<ImageMeta> metas, NDManager manager)
        implements AutoCloseable {

    public DetectionBatch {
        targets = List.copyOf(targets);
        metas = List.copyOf(metas);
    }

    public int size() {
        return metas.size();
    }

    @Override
    public void close() {
        manager.close();
    }
}
