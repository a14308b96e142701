package io.hdkd.api;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import io.hdkd.api.export.BlockExporter;
import io.hdkd.api.export.DetectionExporter;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A detector head: raw outputs from feature levels, its training loss, and decoding into detections.
 *
 * <p>Its {@link #block()} maps {@code NDList} of the feature maps of {@link ComponentContext#inputLevels()} (in
 * that order) to raw outputs, in the order of {@link #outputs()}.
 */
public interface DetectorHead {

    /**
     * The head's family, e.g. {@code retinanet}. Losses on class outputs need the same type on teacher and
     * student; feature losses do not.
     */
    String type();

    Block block();

    /** Names and kinds of the raw outputs, in output order. */
    List<HeadOutput> outputs();

    /**
     * The training loss.
     *
     * @param rawOutputs what {@link #block()} returned for the batch
     * @param targets one per image, in input coordinates
     * @param inputShape the padded input's {@code (H, W)}
     */
    LossTerms loss(NDList rawOutputs, List<ImageTargets> targets, Shape inputShape);

    /**
     * True if {@link #loss} reads {@link ImageTargets#scores()} as soft targets: a box of score {@code s} is encoded
     * with {@code s} where ground truth puts 1, score 1 exactly as ground truth, score 0 exactly as an absent box
     * (see {@link ImageTargets}). False by default: the host then gives this head hard pseudo-labels. SPI 2.
     */
    default boolean acceptsSoftTargets() {
        return false;
    }

    /**
     * Detections per image, mapped back to original image coordinates with {@code metas}.
     *
     * @param inputShape the padded input's {@code (H, W)}
     */
    List<List<Detection>> decode(NDList rawOutputs, List<ImageMeta> metas, Shape inputShape);

    /**
     * For weight import and export, as {@link Backbone#stateDictNames()}: external (e.g. torchvision) tensor names
     * mapped to the paths of {@code block().getParameters()}. Empty if the head has no external naming.
     */
    default Map<String, String> stateDictNames() {
        return Map.of();
    }

    /**
     * The block's ONNX export (SPI 2), or empty if this head cannot be exported: {@code hdkd export} then refuses
     * it by plugin and component name.
     */
    default Optional<BlockExporter> exporter() {
        return Optional.empty();
    }

    /**
     * The head's decoding as ONNX (SPI 2), for {@code hdkd export --decode}, or empty if the head has none (the export
     * then keeps raw outputs, decoded by the head named in the model's metadata).
     */
    default Optional<DetectionExporter> detectionExporter() {
        return Optional.empty();
    }
}
