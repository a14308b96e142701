/**
 * The {@code retinanet} head plugin: torchvision's RetinaNet v1 head (Lin et al., "Focal Loss for Dense Object
 * Detection").
 *
 * <ul>
 *   <li>{@link io.hdkd.plugin.retinanet.RetinaNetBlock}: the shared class and box towers; raw outputs
 *       {@code cls_<level>} ({@code N x (H W A) x C} sigmoid logits) then {@code box_<level>}
 *       ({@code N x (H W A) x 4} deltas), rows location-major, anchor-minor.
 *   <li>{@link io.hdkd.plugin.retinanet.AnchorGenerator}, {@link io.hdkd.plugin.retinanet.AnchorMatcher},
 *       {@link io.hdkd.plugin.retinanet.BoxCoder} and the api's {@link io.hdkd.api.head.FocalLoss}: training
 *       targets and loss, torchvision semantics (checked against torchvision 0.14 by RetinaNetParityTest).
 *   <li>Decoding ends in the api's {@link io.hdkd.api.head.Detections#select} (class-wise NMS, back to the
 *       original image).
 * </ul>
 */
package io.hdkd.plugin.retinanet;
