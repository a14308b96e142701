/**
 * Building blocks for detector-head authors, so a plugin does not re-implement them: box geometry and the GIoU
 * ({@link io.hdkd.api.head.Boxes}), class-wise NMS ({@link io.hdkd.api.head.BatchedNms}), mapping candidates to
 * final {@link io.hdkd.api.Detection}s ({@link io.hdkd.api.head.Detections}), the sigmoid focal loss and BCE with
 * logits ({@link io.hdkd.api.head.FocalLoss}), and seeded initialisation
 * ({@link io.hdkd.api.head.SeededNormalInitializer}). All tensor work is NDArray arithmetic.
 */
package io.hdkd.api.head;
