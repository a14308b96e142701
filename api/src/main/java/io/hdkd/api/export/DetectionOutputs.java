package io.hdkd.api.export;

import java.util.List;

/**
 * The one detections format of hdkd's ONNX models: written by {@code hdkd export --decode}, read by an ONNX teacher
 * ({@code teacher.onnx.detections}), the {@code hdkd-runtime} predictor and {@code hdkd eval --model}. Output names
 * and shapes (docs/SPI.md, docs/EXPORT.md):
 *
 * <ul>
 *   <li>{@value #BOXES}: float32 {@code [N, K, 4]}, {@code x1, y1, x2, y2} in network-input pixels (the resized,
 *       normalised image the graph takes, before padding is removed);
 *   <li>{@value #SCORES}: float32 {@code [N, K]};
 *   <li>{@value #LABELS}: int64 {@code [N, K]}, class indices from 0 (the metadata's {@value #CLASS_NAMES} order);
 * </ul>
 * rows past an image's count padded with score 0 and label -1, best first. A one-image export (batch 1,
 * {@code hdkd export --decode}) drops the batch axis: {@code [K, 4]}, {@code [K]}, {@code [K]}, with no padding.
 */
public final class DetectionOutputs {

    public static final String BOXES = "boxes";
    public static final String SCORES = "scores";
    public static final String LABELS = "labels";
    /** The output names, in output order. */
    public static final List<String> NAMES = List.of(BOXES, SCORES, LABELS);

    /** The image input of an exported model: float32 {@code N x 3 x H x W}, normalised with the metadata's mean/std. */
    public static final String INPUT = "images";

    /** Metadata keys ({@code metadata_props}) of an hdkd export. */
    public static final String CLASS_NAMES = "hdkd.class_names";
    /** The COCO category id of each class, a JSON array in class order. */
    public static final String CATEGORY_IDS = "hdkd.category_ids";
    public static final String INPUT_SIZE = "hdkd.input_size";
    public static final String MEAN = "hdkd.mean";
    public static final String STD = "hdkd.std";
    public static final String STRIDES = "hdkd.strides";
    public static final String HEAD_TYPE = "hdkd.head_type";
    public static final String DECODED = "hdkd.decoded";
    public static final String VERSION = "hdkd.version";
    public static final String CONFIG = "hdkd.config";

    private DetectionOutputs() {}

    /** The three decoded outputs of a graph, in {@link #NAMES} order. */
    public record Values(OnnxGraph.Value boxes, OnnxGraph.Value scores, OnnxGraph.Value labels) {}
}
