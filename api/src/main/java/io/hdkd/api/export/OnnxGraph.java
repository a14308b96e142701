package io.hdkd.api.export;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.convolutional.Conv2d;
import ai.djl.nn.norm.BatchNorm;
import java.util.List;
import java.util.Map;

/**
 * An ONNX inference graph under construction, handed to a {@link BlockExporter} by {@code hdkd export}. The host
 * implements it; a plugin only calls it. Every method adds nodes and returns the value they compute; weights are
 * taken from the block's own parameters (DJL arrays) and stored as initializers.
 *
 * <p>Layouts are ONNX's (and DJL's): {@code N x C x H x W}. Height and width may be symbolic ({@code --dynamic}), so a
 * block should not assume them; use {@code 0} (copy) and {@code -1} (infer) in {@link #reshape}.
 */
public interface OnnxGraph {

    /** A tensor of the graph, known by its unique name. */
    interface Value {
        String name();
    }

    /** Interpolation of {@link #resizeTo}. */
    enum Interpolation {
        /** torch's {@code interpolate(mode="nearest")}: source index {@code floor(i * in / out)}. */
        NEAREST,
        /** torch's {@code interpolate(mode="bilinear", align_corners=False)} (half-pixel centres). */
        BILINEAR
    }

    /** The ONNX operator set the graph is built for. */
    int opset();

    /** A constant (float32, int32 or int64 array); {@code hint} names it in the file. */
    Value constant(String hint, NDArray array);

    /**
     * A 2-D convolution with the block's stride, padding, dilation, groups (grouped convolutions included), weight and
     * optional bias.
     */
    Value conv(Value x, Conv2d conv);

    /**
     * A convolution followed by an inference-mode BatchNorm (running statistics), folded into one convolution:
     * {@code w' = w * gamma / sqrt(var + eps)}, {@code b' = (b - mean) * gamma / sqrt(var + eps) + beta}.
     *
     * @param epsilon the BatchNorm's epsilon (DJL keeps it private; the block's builder knows it)
     */
    Value convBatchNorm(Value x, Conv2d conv, BatchNorm norm, float epsilon);

    Value relu(Value x);

    Value sigmoid(Value x);

    /** Element-wise sum, with ONNX (numpy) broadcasting. */
    Value add(Value a, Value b);

    /** Element-wise maximum, with broadcasting. */
    Value max(Value a, Value b);

    Value concat(int axis, List<Value> values);

    /** Square max pooling, padding with −∞ (never counted), floor rounding. */
    Value maxPool(Value x, int kernel, int stride, int padding);

    /** Resizes the two spatial axes of {@code x} to those of {@code reference} (same batch and channels as x). */
    Value resizeTo(Value x, Value reference, Interpolation mode);

    /** ONNX Reshape: {@code 0} copies the input's dimension at that index, {@code -1} is inferred. */
    Value reshape(Value x, long... shape);

    Value transpose(Value x, int... permutation);

    /** {@code x[start:end]} along {@code axis}; {@code end = Long.MAX_VALUE} means to the end. */
    Value slice(Value x, int axis, long start, long end);

    /** Pads {@code axis} with {@code before} and {@code after} copies of the constant {@code value}. */
    Value pad(Value x, int axis, long before, long after, float value);

    /**
     * Any other ONNX operator of the default domain, for what the methods above do not cover (e.g. decoding:
     * {@code TopK}, {@code NonMaxSuppression}, {@code Gather}). Attribute values: Integer, Long, Float, Double,
     * String, long[], int[], float[]. An input may be null for an omitted optional input.
     *
     * @return the node's outputs
     */
    List<Value> node(String opType, List<Value> inputs, int outputs, Map<String, Object> attributes);
}
