package io.hdkd.core.train;

import ai.djl.ndarray.NDManager;
import io.hdkd.core.data.loader.DetectionBatch;
import java.util.Iterator;

/**
 * The training set as the trainer sees it: a fixed number of batches per epoch, whose order and augmentation are a
 * function of (seed, epoch, batch index) only, so that a resumed run sees exactly the batches the killed run would
 * have seen.
 */
public interface TrainingData {

    int batchesPerEpoch();

    /**
     * The batches of {@code epoch}, starting at {@code firstBatch}; each batch's arrays live in its own sub-manager
     * of {@code manager}, freed when the trainer closes the batch after its step.
     */
    Iterator<DetectionBatch> epoch(int epoch, int firstBatch, NDManager manager);

    /** A loader as training data. */
    static TrainingData of(io.hdkd.core.data.loader.DetectionLoader loader) {
        return new TrainingData() {
            @Override
            public int batchesPerEpoch() {
                return loader.batchesPerEpoch();
            }

            @Override
            public Iterator<DetectionBatch> epoch(int epoch, int firstBatch, NDManager manager) {
                return loader.epoch(epoch, firstBatch, manager);
            }
        };
    }
}
