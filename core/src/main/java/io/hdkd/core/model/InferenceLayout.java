package io.hdkd.core.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * The memory layout of a detector's input at inference: channels-last (NHWC strides under the NCHW shape).
 *
 * <p>Why: libtorch's oneDNN convolutions compute in a channels-last or blocked layout; given NCHW tensors they reorder
 * every input and output, and libtorch 2.x propagates a channels-last input through convolutions, BatchNorm, ReLU,
 * pooling and the additions of residual units, so converting the images once removes those reorders from the whole
 * network. Measured with {@code hdkd bench predict} at 512 px, batch 2 (docs/BENCHMARKS.md, session 9): RetinaNet
 * R18-FPN about 10 % faster, R50-FPN about 5 %, the quick models unchanged. Training keeps NCHW: there the backward
 * convolutions measured no faster and the quick model slower (session 8). Values agree with the NCHW forward to
 * rounding (the convolutions sum in another order); DJL's operations and {@code toFloatArray} do not see strides.
 *
 * <p>{@code -Dhdkd.inference-channels-last=off} keeps NCHW at inference too, e.g. for a plugin whose own code would be
 * slower on channels-last arrays.
 */
public final class InferenceLayout {

    static final boolean CHANNELS_LAST = !"off".equals(System.getProperty("hdkd.inference-channels-last"));

    private InferenceLayout() {}

    /** {@code images} as the detector's inference input: channels-last when enabled, else unchanged. */
    public static NDArray forInference(NDArray images) {
        return CHANNELS_LAST ? channelsLast(images) : images;
    }

    /**
     * The same values, N x C x H x W in shape, stored channels-last: the transposed view flattened (the one copy,
     * since a flat view of it cannot exist), viewed as N x H x W x C and transposed back. Arrays that are not 4-D are
     * returned as they are.
     */
    static NDArray channelsLast(NDArray images) {
        Shape s = images.getShape();
        if (s.dimension() != 4) {
            return images;
        }
        NDArray nhwc = images.transpose(0, 2, 3, 1).flatten().reshape(s.get(0), s.get(2), s.get(3), s.get(1));
        return nhwc.transpose(0, 3, 1, 2);
    }
}
