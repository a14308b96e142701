package io.hdkd.api.export;

import java.util.List;

/**
 * Writes a component's block into an ONNX graph, as it computes in inference mode (BatchNorm on running statistics,
 * no dropout). Returned by {@code Backbone.exporter()}, {@code Neck.exporter()} and {@code DetectorHead.exporter()}.
 */
@FunctionalInterface
public interface BlockExporter {

    /**
     * @param inputs the block's inputs, in the order its {@code forward} takes them (the image batch for a backbone,
     *     the input levels for a neck or head)
     * @return the block's outputs, in the order its {@code forward} returns them
     */
    List<OnnxGraph.Value> export(OnnxGraph graph, List<OnnxGraph.Value> inputs);
}
