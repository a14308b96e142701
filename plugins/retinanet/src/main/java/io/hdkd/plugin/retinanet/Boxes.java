package io.hdkd.plugin.retinanet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/** Box geometry on {@code ... x 4} arrays of {@code x1, y1, x2, y2}. */
final class Boxes {

    private Boxes() {}

    /** The pairwise IoU of {@code a} (K x 4) and {@code b} (M x 4): K x M. */
    static NDArray iouMatrix(NDArray a, NDArray b) {
        NDArray a3 = a.expandDims(1);
        NDArray b3 = b.expandDims(0);
        NDArray lt = a3.get("..., :2").maximum(b3.get("..., :2"));
        NDArray rb = a3.get("..., 2:").minimum(b3.get("..., 2:"));
        NDArray wh = rb.sub(lt).clip(0, Float.MAX_VALUE);
        NDArray inter = wh.get("..., 0").mul(wh.get("..., 1"));
        NDArray union = area(a).expandDims(1).add(area(b).expandDims(0)).sub(inter);
        // Only zero-area pairs have a zero union; their IoU is 0, not NaN.
        return inter.div(union.maximum(1e-12f));
    }

    /** Areas of {@code ... x 4} boxes. */
    static NDArray area(NDArray boxes) {
        return boxes.get("..., 2").sub(boxes.get("..., 0")).mul(boxes.get("..., 3").sub(boxes.get("..., 1")));
    }

    /**
     * Elementwise generalised IoU loss {@code 1 - GIoU} of matching rows of {@code pred} and {@code target}
     * ({@code ... x 4}); eps guards the divisions as torchvision's {@code generalized_box_iou_loss} does.
     */
    static NDArray giouLoss(NDArray pred, NDArray target) {
        float eps = 1e-7f;
        NDArray lt = pred.get("..., :2").maximum(target.get("..., :2"));
        NDArray rb = pred.get("..., 2:").minimum(target.get("..., 2:"));
        NDArray wh = rb.sub(lt).clip(0, Float.MAX_VALUE);
        NDArray inter = wh.get("..., 0").mul(wh.get("..., 1"));
        NDArray union = area(pred).add(area(target)).sub(inter);
        NDArray iou = inter.div(union.add(eps));
        NDArray elt = pred.get("..., :2").minimum(target.get("..., :2"));
        NDArray erb = pred.get("..., 2:").maximum(target.get("..., 2:"));
        NDArray ewh = erb.sub(elt).clip(0, Float.MAX_VALUE);
        NDArray enclosing = ewh.get("..., 0").mul(ewh.get("..., 1"));
        NDArray giou = iou.sub(enclosing.sub(union).div(enclosing.add(eps)));
        return giou.neg().add(1f);
    }

    /** Clips {@code ... x 4} boxes to {@code [0, width] x [0, height]}. */
    static NDArray clip(NDArray boxes, float width, float height) {
        NDArray x1 = boxes.get("..., 0").clip(0f, width);
        NDArray y1 = boxes.get("..., 1").clip(0f, height);
        NDArray x2 = boxes.get("..., 2").clip(0f, width);
        NDArray y2 = boxes.get("..., 3").clip(0f, height);
        return NDArrays.stack(new NDList(x1, y1, x2, y2), -1);
    }
}
