package io.hdkd.api.head;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import io.hdkd.api.Scalars;

/**
 * Box geometry on {@code ... x 4} arrays of {@code x1, y1, x2, y2} (widths are {@code x2 - x1}, no +1). Every method
 * is array arithmetic, so it runs on the arrays' device and, where noted, carries gradients.
 */
public final class Boxes {

    private Boxes() {}

    /** Areas of {@code ... x 4} boxes: shape {@code ...}. */
    public static NDArray area(NDArray boxes) {
        return boxes.get("..., 2").sub(boxes.get("..., 0")).mul(boxes.get("..., 3").sub(boxes.get("..., 1")));
    }

    /**
     * The pairwise IoU of {@code a} ({@code ... x K x 4}) and {@code b} ({@code ... x M x 4}): {@code ... x K x M},
     * the leading dimensions broadcast (K x 4 anchors against N x M x 4 boxes of a batch give N x K x M); pairs of
     * zero-area boxes give 0.
     */
    public static NDArray iouMatrix(NDArray a, NDArray b) {
        NDArray a3 = a.expandDims(a.getShape().dimension() - 1);
        NDArray b3 = b.expandDims(b.getShape().dimension() - 2);
        NDArray lt = a3.get("..., :2").maximum(b3.get("..., :2"));
        NDArray rb = a3.get("..., 2:").minimum(b3.get("..., 2:"));
        NDArray wh = Scalars.maximum(rb.sub(lt), 0);
        NDArray inter = wh.get("..., 0").mul(wh.get("..., 1"));
        NDArray areaA = area(a);
        NDArray areaB = area(b);
        NDArray union = areaA.expandDims(areaA.getShape().dimension())
                .add(areaB.expandDims(areaB.getShape().dimension() - 1)).sub(inter);
        return inter.div(Scalars.maximum(union, 1e-12));
    }

    /**
     * Elementwise generalised IoU (Rezatofighi et al. 2019) of matching rows of {@code pred} and {@code target}
     * ({@code ... x 4}, broadcastable): {@code IoU - (enclosing - union) / enclosing}, in {@code (-1, 1]}.
     * Differentiable in {@code pred}; eps guards the divisions as torchvision's {@code generalized_box_iou_loss}.
     */
    public static NDArray giou(NDArray pred, NDArray target) {
        double eps = 1e-7;
        NDArray lt = pred.get("..., :2").maximum(target.get("..., :2"));
        NDArray rb = pred.get("..., 2:").minimum(target.get("..., 2:"));
        NDArray wh = Scalars.maximum(rb.sub(lt), 0);
        NDArray inter = wh.get("..., 0").mul(wh.get("..., 1"));
        NDArray union = area(pred).add(area(target)).sub(inter);
        NDArray iou = inter.div(union.add(eps));
        NDArray elt = pred.get("..., :2").minimum(target.get("..., :2"));
        NDArray erb = pred.get("..., 2:").maximum(target.get("..., 2:"));
        NDArray ewh = Scalars.maximum(erb.sub(elt), 0);
        NDArray enclosing = ewh.get("..., 0").mul(ewh.get("..., 1"));
        return iou.sub(enclosing.sub(union).div(enclosing.add(eps)));
    }

    /** The GIoU loss {@code 1 - GIoU} of matching rows, elementwise ({@code ...}); see {@link #giou}. */
    public static NDArray giouLoss(NDArray pred, NDArray target) {
        return giou(pred, target).neg().add(1f);
    }

    /** Clips {@code ... x 4} boxes to {@code [0, width] x [0, height]}. */
    public static NDArray clip(NDArray boxes, float width, float height) {
        NDArray x1 = boxes.get("..., 0").clip(0f, width);
        NDArray y1 = boxes.get("..., 1").clip(0f, height);
        NDArray x2 = boxes.get("..., 2").clip(0f, width);
        NDArray y2 = boxes.get("..., 3").clip(0f, height);
        return NDArrays.stack(new NDList(x1, y1, x2, y2), -1);
    }

    /**
     * Boxes from points and their distances to the four sides, as anchor-free heads (FCOS) predict them:
     * {@code (x - l, y - t, x + r, y + b)}.
     *
     * @param points {@code ... x 2} of {@code x, y}
     * @param distances {@code ... x 4} of {@code l, t, r, b}, broadcastable against {@code points}
     */
    public static NDArray fromDistances(NDArray points, NDArray distances) {
        NDArray lt = points.sub(distances.get("..., :2"));
        NDArray rb = points.add(distances.get("..., 2:"));
        return NDArrays.concat(new NDList(lt, rb), -1);
    }

    /**
     * The distances {@code l, t, r, b} from points to the sides of boxes; the inverse of {@link #fromDistances}.
     * All four are positive exactly when the point lies inside the box.
     *
     * @param points {@code ... x 2}
     * @param boxes {@code ... x 4}, broadcastable against {@code points}
     */
    public static NDArray toDistances(NDArray points, NDArray boxes) {
        NDArray lt = points.sub(boxes.get("..., :2"));
        NDArray rb = boxes.get("..., 2:").sub(points);
        return NDArrays.concat(new NDList(lt, rb), -1);
    }
}
