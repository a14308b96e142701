package io.hdkd.core.distill;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.hdkd.api.FeatureLevel;
import io.hdkd.api.HeadOutput;
import io.hdkd.api.ImageTargets;
import io.hdkd.api.InvalidInputException;
import io.hdkd.api.Taps;
import java.util.List;

/**
 * A frozen teacher: no gradient, BatchNorm in inference mode, no optimizer state. It maps the student's input batch
 * to its taps.
 */
public interface Teacher extends AutoCloseable {

    /**
     * The teacher's taps for a batch, computed without building a graph. The arrays are attached to the manager of
     * {@code images} (or one the caller closes with it).
     *
     * @param images the student's normalised input, {@code N x 3 x H x W}
     */
    Taps forward(NDArray images);

    /** Its feature taps (names, strides, channels). */
    List<FeatureLevel> levels();

    /** Its head outputs (empty if it has no head, e.g. an exported backbone). */
    List<HeadOutput> outputs();

    /** Its head type, or null if it has no head. */
    String headType();

    /** True if {@link #detections} works: the teacher has a head that decodes (or an ONNX model that outputs boxes). */
    default boolean givesDetections() {
        return false;
    }

    /**
     * The teacher's detections for the batch whose taps {@link #forward} returned, per image, in the coordinates of
     * the network input (the student's augmented batch), each box scored; attached to the taps' manager.
     *
     * @param inputShape the padded input's {@code (H, W)}
     */
    default List<ImageTargets> detections(Taps taps, Shape inputShape) {
        throw new InvalidInputException("this teacher gives no detections (it has no head that decodes)");
    }

    @Override
    void close();
}
