package io.hdkd.api;

/** What a detector head's raw output carries, so that distillation losses can find the knowledge they need. */
public enum OutputKind {
    /** Per-class logits read through a sigmoid (RetinaNet, FCOS): N x A x C. */
    CLASS_LOGITS_SIGMOID,
    /** Per-class logits read through a softmax over classes (+ background). */
    CLASS_LOGITS_SOFTMAX,
    /** Box regression deltas or distances. */
    BOX_REGRESSION,
    /** Per-class keypoint heatmap logits (CornerNet, CenterNet): N x C x H x W. */
    HEATMAP,
    EMBEDDING,
    OFFSET,
    OTHER
}
