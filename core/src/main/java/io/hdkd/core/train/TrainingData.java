package io.hdkd.core.train;

import ai.djl.ndarray.NDManager;
import java.util.Iterator;

/**
 * The training set as the trainer sees it: a fixed number of batches per epoch, whose order and augmentation are a
 * function of (seed, epoch, batch index) only, so that a resumed run sees exactly the batches the killed run would
 * have seen.
 */
public interface TrainingData {

    int batchesPerEpoch();

    /**
     * The batches of {@code epoch}, starting at {@code firstBatch}; their arrays are attached to {@code manager}.
     */
    Iterator<Batch> epoch(int epoch, int firstBatch, NDManager manager);
}
