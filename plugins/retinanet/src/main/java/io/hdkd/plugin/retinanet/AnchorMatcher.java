package io.hdkd.plugin.retinanet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.types.DataType;

/**
 * Assigns anchors to ground-truth boxes by IoU, with torchvision's {@code Matcher} semantics: each anchor takes its
 * highest-IoU box; IoU {@code >= fgIou} is a match, {@code < bgIou} is background ({@link #BACKGROUND}), in between
 * is ignored ({@link #IGNORED}). With low-quality matches allowed, every anchor tied for some box's highest IoU is a
 * match too (to the box its own argmax picks, as torchvision does), so no box is left without an anchor.
 * Unlike torchvision, a box that overlaps no anchor at all (best IoU 0) forces nothing: otherwise every anchor
 * would tie at 0 and become positive.
 */
final class AnchorMatcher {

    static final long BACKGROUND = -1;
    static final long IGNORED = -2;

    private final float fgIou;
    private final float bgIou;
    private final boolean allowLowQuality;

    AnchorMatcher(double fgIou, double bgIou, boolean allowLowQuality) {
        this.fgIou = (float) fgIou;
        this.bgIou = (float) bgIou;
        this.allowLowQuality = allowLowQuality;
    }

    /**
     * @param iou anchors x boxes IoU matrix ({@code K x M}, M >= 1), or a batch of them ({@code N x K x M}); a column
     *     of a box that does not exist (batch padding) holds a negative IoU and is never matched
     * @return int64 {@code (N x) K}: the matched box index, {@link #BACKGROUND} or {@link #IGNORED}
     */
    NDArray match(NDArray iou) {
        int boxAxis = iou.getShape().dimension() - 1;
        int anchorAxis = boxAxis - 1;
        NDArray best = iou.max(new int[] {boxAxis});
        NDArray argmax = iou.argMax(boxAxis).toType(DataType.INT64, false);
        NDArray background = argmax.zerosLike().add(BACKGROUND);
        NDArray ignored = argmax.zerosLike().add(IGNORED);
        NDArray matched = NDArrays.where(best.gte(fgIou), argmax,
                NDArrays.where(best.lt(bgIou), background, ignored));
        if (allowLowQuality) {
            NDArray bestPerBox = iou.max(new int[] {anchorAxis}, true);
            NDArray tied = iou.eq(bestPerBox).logicalAnd(bestPerBox.gt(0f))
                    .toType(DataType.INT32, false).sum(new int[] {boxAxis}).gt(0);
            matched = NDArrays.where(tied, argmax, matched);
        }
        return matched;
    }
}
