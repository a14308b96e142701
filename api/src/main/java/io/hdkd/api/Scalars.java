package io.hdkd.api;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Arithmetic between an array and a constant that stays correct under autograd. Use these instead of
 * {@code NDArray.mul(Number)}, {@code div(Number)}, {@code pow(Number)}, {@code maximum(Number)} and
 * {@code minimum(Number)} anywhere a gradient will flow.
 *
 * <p>Why: DJL's PyTorch engine (0.36) implements those overloads by wrapping the number in a temporary array whose
 * memory is a Java direct buffer, and closes it right after the operation. PyTorch's autograd keeps a reference to
 * that operand for the backward pass (the derivative of {@code x * c} needs {@code c}), but the buffer is freed by the
 * next garbage collection, so the backward pass can read garbage: silently wrong or NaN gradients, depending on GC
 * timing (measured here: {@code x.mul(3f)} gave a gradient of 1.6e-34 instead of 3 after a GC). The constants made
 * here are allocated by the engine itself ({@code full}) and attached to the array's manager, so they live as long as
 * the graph that uses them. Addition and subtraction of numbers are safe: their derivatives do not read the operand.
 */
public final class Scalars {

    private Scalars() {}

    /** A 0-dimensional constant of {@code like}'s type, on its manager and device. */
    public static NDArray of(NDArray like, double value) {
        return like.getManager().full(new Shape(), (float) value, like.getDataType());
    }

    public static NDArray mul(NDArray x, double value) {
        return x.mul(of(x, value));
    }

    public static NDArray div(NDArray x, double value) {
        return x.div(of(x, value));
    }

    public static NDArray pow(NDArray x, double exponent) {
        return x.pow(of(x, exponent));
    }

    public static NDArray maximum(NDArray x, double value) {
        return x.maximum(of(x, value));
    }

    public static NDArray minimum(NDArray x, double value) {
        return x.minimum(of(x, value));
    }
}
