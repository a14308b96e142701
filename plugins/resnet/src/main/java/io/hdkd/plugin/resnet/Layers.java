package io.hdkd.plugin.resnet;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import ai.djl.training.initializer.XavierInitializer;

/** The two layer kinds a torchvision ResNet is made of, configured as torchvision configures them. */
final class Layers {

    private Layers() {}

    /** A bias-free 2-D convolution with square kernel, stride and padding, initialised like torchvision (kaiming fan_out). */
    static Conv2d conv(int filters, int kernel, int stride, int padding, int groups) {
        Conv2d conv = Conv2d.builder()
                .setFilters(filters)
                .setKernelShape(new Shape(kernel, kernel))
                .optStride(new Shape(stride, stride))
                .optPadding(new Shape(padding, padding))
                .optGroups(groups)
                .optBias(false)
                .build();
        conv.setInitializer(kaimingNormalFanOut(), Parameter.Type.WEIGHT);
        return conv;
    }

    /** torchvision's BatchNorm2d epsilon; ONNX export folds it into the preceding convolution. */
    static final float BN_EPSILON = 1e-5f;

    /** torchvision's BatchNorm2d: eps 1e-5, momentum 0.1 (DJL's momentum is the complement, 0.9). */
    static BatchNorm batchNorm() {
        return BatchNorm.builder().optEpsilon(BN_EPSILON).optMomentum(0.9f).build();
    }

    /** N(0, 2 / fan_out): DJL's Xavier with gaussian draws, the output factor and magnitude 2. */
    static XavierInitializer kaimingNormalFanOut() {
        return new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN, XavierInitializer.FactorType.OUT, 2);
    }

    /** Initialises {@code block} for {@code in} and returns its output shape. */
    static Shape init(Block block, NDManager manager, DataType dataType, Shape in) {
        block.initialize(manager, dataType, in);
        return block.getOutputShapes(new Shape[] {in})[0];
    }
}
