package io.hdkd.plugin.retinanet;

import io.hdkd.api.Scalars;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;

/**
 * The R-CNN box parameterisation: a box relative to an anchor as {@code dx = wx (cx - cx_a) / w_a},
 * {@code dy = wy (cy - cy_a) / h_a}, {@code dw = ww log(w / w_a)}, {@code dh = wh log(h / h_a)}; widths are
 * {@code x2 - x1} (no +1). Decoding clamps {@code dw, dh} at {@code log(1000 / 16)} so exp cannot overflow.
 */
final class BoxCoder {

    static final double SCALE_CLAMP = Math.log(1000.0 / 16);

    private final float wx;
    private final float wy;
    private final float ww;
    private final float wh;

    BoxCoder(double[] weights) {
        wx = (float) weights[0];
        wy = (float) weights[1];
        ww = (float) weights[2];
        wh = (float) weights[3];
    }

    /** Deltas ({@code ... x 4}) that turn {@code anchors} into {@code boxes}; same shapes. */
    NDArray encode(NDArray boxes, NDArray anchors) {
        NDArray aw = anchors.get("..., 2").sub(anchors.get("..., 0"));
        NDArray ah = anchors.get("..., 3").sub(anchors.get("..., 1"));
        NDArray acx = anchors.get("..., 0").add(aw.mul(0.5f));
        NDArray acy = anchors.get("..., 1").add(ah.mul(0.5f));
        NDArray bw = boxes.get("..., 2").sub(boxes.get("..., 0"));
        NDArray bh = boxes.get("..., 3").sub(boxes.get("..., 1"));
        NDArray bcx = boxes.get("..., 0").add(bw.mul(0.5f));
        NDArray bcy = boxes.get("..., 1").add(bh.mul(0.5f));
        NDArray dx = bcx.sub(acx).div(aw).mul(wx);
        NDArray dy = bcy.sub(acy).div(ah).mul(wy);
        NDArray dw = bw.div(aw).log().mul(ww);
        NDArray dh = bh.div(ah).log().mul(wh);
        return NDArrays.stack(new NDList(dx, dy, dw, dh), -1);
    }

    /** Boxes ({@code ... x 4}) from {@code deltas} applied to {@code anchors}; same shapes. */
    NDArray decode(NDArray deltas, NDArray anchors) {
        NDArray aw = anchors.get("..., 2").sub(anchors.get("..., 0"));
        NDArray ah = anchors.get("..., 3").sub(anchors.get("..., 1"));
        NDArray acx = anchors.get("..., 0").add(aw.mul(0.5f));
        NDArray acy = anchors.get("..., 1").add(ah.mul(0.5f));
        NDArray dx = Scalars.div(deltas.get("..., 0"), wx);
        NDArray dy = Scalars.div(deltas.get("..., 1"), wy);
        NDArray dw = Scalars.minimum(Scalars.div(deltas.get("..., 2"), ww), SCALE_CLAMP);
        NDArray dh = Scalars.minimum(Scalars.div(deltas.get("..., 3"), wh), SCALE_CLAMP);
        NDArray cx = dx.mul(aw).add(acx);
        NDArray cy = dy.mul(ah).add(acy);
        NDArray halfW = Scalars.mul(dw.exp().mul(aw), 0.5);
        NDArray halfH = Scalars.mul(dh.exp().mul(ah), 0.5);
        return NDArrays.stack(new NDList(cx.sub(halfW), cy.sub(halfH), cx.add(halfW), cy.add(halfH)), -1);
    }
}
