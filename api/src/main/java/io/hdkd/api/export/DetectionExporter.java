package io.hdkd.api.export;

import java.util.List;

/**
 * Writes a head's decoding (raw outputs to final detections) into an ONNX graph, for {@code hdkd export --decode}.
 * Returned by {@code DetectorHead.detectionExporter()}.
 */
@FunctionalInterface
public interface DetectionExporter {

    /**
     * Decodes one image's raw outputs (batch 1) into the one-image detections format of {@link DetectionOutputs}:
     * boxes in network-input pixels, scores, labels (class indices), best first, at most the head's maximum count.
     *
     * @param rawOutputs the head's raw outputs, in {@code outputs()} order
     * @param height the fixed network input height the graph is exported for
     * @param width the fixed network input width
     */
    DetectionOutputs.Values export(OnnxGraph graph, List<OnnxGraph.Value> rawOutputs, int height, int width);
}
