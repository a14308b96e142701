/**
 * ONNX export of a component's block (SPI 2): {@link io.hdkd.api.export.BlockExporter} writes a block into an
 * {@link io.hdkd.api.export.OnnxGraph}, which the host implements; {@link io.hdkd.api.export.DetectionExporter}
 * writes a head's decoding; {@link io.hdkd.api.export.DetectionOutputs} is the one detections format of hdkd's ONNX
 * models. Interfaces and names only: the api gains no dependency. See docs/EXPORT.md.
 */
package io.hdkd.api.export;
