package io.hdkd.core.distill;

import io.hdkd.api.InvalidInputException;
import io.hdkd.api.export.DetectionOutputs;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The names of an ONNX model's detection outputs, in the one detections format hdkd reads and writes
 * ({@link DetectionOutputs}, docs/SPI.md):
 * {@code boxes} float32 {@code [N, K, 4]} ({@code x1, y1, x2, y2} in network-input pixels), {@code scores} float32
 * {@code [N, K]}, {@code labels} int64 {@code [N, K]}, rows past an image's count padded with score 0 and label -1;
 * or, from a model that takes one image, {@code [K, 4]}, {@code [K]}, {@code [K]}.
 *
 * @param boxes the graph output holding the boxes
 * @param scores the output holding the scores
 * @param labels the output holding the contiguous class indices
 */
public record OnnxDetectionOutputs(String boxes, String scores, String labels) {

    /** The roles, named as the format names its outputs ({@link DetectionOutputs#NAMES}). */
    public static final List<String> ROLES = DetectionOutputs.NAMES;

    /**
     * Parses {@code boxes:NAME, scores:NAME, labels:NAME} (any order).
     *
     * @param key the configuration key, for messages
     */
    public static OnnxDetectionOutputs parse(String key, List<String> entries) {
        Map<String, String> byRole = new LinkedHashMap<>();
        for (String entry : entries) {
            String e = entry.strip();
            int colon = e.indexOf(':');
            String role = colon < 0 ? "" : e.substring(0, colon).strip();
            String name = colon < 0 ? "" : e.substring(colon + 1).strip();
            if (!ROLES.contains(role) || name.isEmpty()) {
                throw new InvalidInputException("bad value for " + key + ": expected role:output with role one of "
                        + ROLES + ", got '" + e + "'");
            }
            if (byRole.put(role, name) != null) {
                throw new InvalidInputException("bad value for " + key + ": " + role + " is named twice");
            }
        }
        for (String role : ROLES) {
            if (!byRole.containsKey(role)) {
                throw new InvalidInputException("bad value for " + key + ": name the " + role + " output too ("
                        + role + ":NAME); the format needs boxes, scores and labels");
            }
        }
        return new OnnxDetectionOutputs(byRole.get(DetectionOutputs.BOXES), byRole.get(DetectionOutputs.SCORES),
                byRole.get(DetectionOutputs.LABELS));
    }

    public List<String> names() {
        return List.of(boxes, scores, labels);
    }
}
