package io.hdkd.api;

/**
 * One raw output of a detector head.
 *
 * @param name e.g. {@code cls_p3} or {@code tl_heatmap}; also the tap name distillation losses refer to
 * @param kind what it carries
 * @param stride the stride of the feature level it was computed on, or 0 if it spans levels
 */
public record HeadOutput(String name, OutputKind kind, int stride) {}
